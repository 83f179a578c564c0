// impasto:gatys through the GEGL API, as GIMP and other GEGL hosts use it.
// This executable links GEGL only: LibTorch must arrive with the first run.
#include <gegl.h>
#include <glib/gstdio.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

namespace {

bool libtorch_mapped() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line))
    if (line.find("libtorch_cpu") != std::string::npos) return true;
  return false;
}

GeglBuffer* make_buffer(int w, int h, bool style) {
  GeglRectangle r = {0, 0, w, h};
  GeglBuffer* b = gegl_buffer_new(&r, babl_format("R'G'B'A float"));
  std::vector<float> px(static_cast<size_t>(w) * h * 4);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      float* p = &px[(static_cast<size_t>(y) * w + x) * 4];
      if (style) {
        const bool stripe = ((x + 2 * y) / 4) % 2 == 0;
        p[0] = stripe ? 0.9f : 0.1f;
        p[1] = stripe ? 0.6f : 0.2f;
        p[2] = stripe ? 0.1f : 0.8f;
        p[3] = 1.0f;
      } else {
        p[0] = 0.2f + 0.6f * x / w;
        p[1] = 0.3f + 0.4f * y / h;
        p[2] = 0.5f;
        p[3] = static_cast<float>(x) / (w - 1);  // alpha ramp
      }
    }
  gegl_buffer_set(b, &r, 0, babl_format("R'G'B'A float"), px.data(), GEGL_AUTO_ROWSTRIDE);
  return b;
}

std::vector<float> pixels(GeglBuffer* b) {
  const GeglRectangle* r = gegl_buffer_get_extent(b);
  std::vector<float> px(static_cast<size_t>(r->width) * r->height * 4);
  gegl_buffer_get(b, r, 1.0, babl_format("R'G'B'A float"), px.data(), GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  return px;
}

struct OpRun {
  GeglBuffer* output = nullptr;
  int progress_signals = 0;
  std::vector<std::string> warnings;
  std::vector<std::string> stages;  // informational: the size a run works at
};

void on_progress(GeglNode*, gdouble, gpointer data) { ++static_cast<OpRun*>(data)->progress_signals; }

void capture_log(const gchar*, GLogLevelFlags level, const gchar* message, gpointer data) {
  auto* run = static_cast<OpRun*>(data);
  (level & G_LOG_LEVEL_INFO ? run->stages : run->warnings).emplace_back(message);
}

// content -> impasto:gatys (aux: style, may be null) -> new buffer.
OpRun run_op(GeglBuffer* content, GeglBuffer* style, const char* style_path = nullptr, gint* cancel = nullptr,
             int iterations = 5) {
  OpRun run;
  GeglNode* graph = gegl_node_new();
  GeglNode* src = gegl_node_new_child(graph, "operation", "gegl:buffer-source", "buffer", content, nullptr);
  GeglNode* op = gegl_node_new_child(graph, "operation", "impasto:gatys", "network", 2 /* random */,
                                     "size", 48, "iterations", iterations, "threads", 2, nullptr);
  if (style_path) gegl_node_set(op, "style-path", style_path, nullptr);
  if (cancel) gegl_node_set(op, "cancel", cancel, nullptr);
  gegl_node_link(src, op);
  if (style) {
    GeglNode* aux = gegl_node_new_child(graph, "operation", "gegl:buffer-source", "buffer", style, nullptr);
    gegl_node_connect_to(aux, "output", op, "aux");
  }
  g_signal_connect(op, "progress", G_CALLBACK(on_progress), &run);
  guint handler = g_log_set_handler(
      "impasto", static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO),
      capture_log, &run);
  GeglNode* sink = gegl_node_new_child(graph, "operation", "gegl:buffer-sink", "buffer", &run.output, nullptr);
  gegl_node_link(op, sink);
  gegl_node_process(sink);
  g_log_remove_handler("impasto", handler);
  g_object_unref(graph);
  return run;
}

class GeglOp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { gegl_init(nullptr, nullptr); }
  static void TearDownTestSuite() { gegl_exit(); }
};

}  // namespace

// Runs first (gtest keeps file order): GIMP loads every module at start-up.
TEST_F(GeglOp, ModuleLoadsWithoutLibTorch) {
  ASSERT_TRUE(gegl_has_operation("impasto:gatys")) << "GEGL_PATH must include build/plugin";
  EXPECT_FALSE(libtorch_mapped()) << "loading the GEGL module pulled LibTorch in";
}

TEST_F(GeglOp, PropertiesAreDocumentedWithRanges) {
  guint n = 0;
  GParamSpec** specs = gegl_operation_list_properties("impasto:gatys", &n);
  ASSERT_GT(n, 15u);
  bool saw_style_weight = false;
  for (guint i = 0; i < n; ++i) {
    EXPECT_NE(g_param_spec_get_blurb(specs[i]), nullptr) << specs[i]->name;
    EXPECT_GT(strlen(g_param_spec_get_blurb(specs[i])), 10u) << specs[i]->name;
    if (std::string(specs[i]->name) == "style-weight") {
      saw_style_weight = true;
      auto* d = G_PARAM_SPEC_DOUBLE(specs[i]);
      EXPECT_DOUBLE_EQ(d->default_value, 2.0);
      EXPECT_DOUBLE_EQ(d->minimum, 0.0);
      EXPECT_GT(d->maximum, 100.0);
    }
  }
  g_free(specs);
  EXPECT_TRUE(saw_style_weight);
  EXPECT_STREQ(gegl_operation_get_key("impasto:gatys", "categories"), "artistic");
}

TEST_F(GeglOp, StylisesWithTheStyleOnTheAuxPad) {
  GeglBuffer* content = make_buffer(56, 40, false);
  GeglBuffer* style = make_buffer(40, 40, true);
  OpRun run = run_op(content, style);
  ASSERT_NE(run.output, nullptr);
  EXPECT_TRUE(libtorch_mapped());
  const GeglRectangle* r = gegl_buffer_get_extent(run.output);
  EXPECT_EQ(r->width, 56);
  EXPECT_EQ(r->height, 40);
  auto in = pixels(content), out = pixels(run.output);
  double diff = 0.0;
  for (size_t i = 0; i < in.size(); ++i) {
    if (i % 4 == 3) ASSERT_FLOAT_EQ(out[i], in[i]) << "alpha changed at " << i / 4;
    else diff += std::abs(out[i] - in[i]);
  }
  EXPECT_GT(diff / (in.size() * 0.75), 0.01);
  EXPECT_GT(run.progress_signals, 0);
  g_object_unref(run.output);
  g_object_unref(content);
  g_object_unref(style);
}

// GEGL's progress signal has only a fraction: each size of a run is said
// as an informational message, which GIMP's status bar shows.
TEST_F(GeglOp, SaysWhichSizeTheRunIsAt) {
  GeglBuffer* content = make_buffer(200, 120, false);
  GeglBuffer* style = make_buffer(40, 40, true);
  OpRun run = run_op(content, style, nullptr, nullptr, 3);
  ASSERT_NE(run.output, nullptr);
  ASSERT_GE(run.stages.size(), 3u) << "processing size 48, then refining at 50, 100 and 200 px";
  EXPECT_EQ(run.stages.front().rfind("Painting at ", 0), 0u) << run.stages.front();
  const std::string last = run.stages.back(), n = std::to_string(run.stages.size());
  EXPECT_EQ(last, "Refining at 200 px (size " + n + " of " + n + ")");
  EXPECT_TRUE(run.warnings.empty()) << run.warnings.front();
  g_object_unref(run.output);
  g_object_unref(content);
  g_object_unref(style);
}

TEST_F(GeglOp, CancelFlagStopsTheRunAndPassesTheInputThrough) {
  GeglBuffer* content = make_buffer(56, 40, false);
  GeglBuffer* style = make_buffer(40, 40, true);
  gint cancel = 1;  // set before the run: it stops at the first progress report
  const gint64 start = g_get_monotonic_time();
  OpRun run = run_op(content, style, nullptr, &cancel, 100000);
  const double seconds = (g_get_monotonic_time() - start) / 1e6;
  ASSERT_NE(run.output, nullptr);
  EXPECT_LT(seconds, 30.0) << "100000 iterations would take far longer: the flag was ignored";
  EXPECT_EQ(pixels(run.output), pixels(content));
  EXPECT_TRUE(run.warnings.empty()) << "a cancelled run is not a failure: " << run.warnings.front();
  g_object_unref(run.output);
  g_object_unref(content);
  g_object_unref(style);
}

TEST_F(GeglOp, StyleFromFile) {
  GeglBuffer* style = make_buffer(32, 32, true);
  gchar* path = g_build_filename(g_get_tmp_dir(), "impasto-test-style.png", nullptr);
  GeglNode* graph = gegl_node_new();
  GeglNode* src = gegl_node_new_child(graph, "operation", "gegl:buffer-source", "buffer", style, nullptr);
  GeglNode* save = gegl_node_new_child(graph, "operation", "gegl:png-save", "path", path, nullptr);
  gegl_node_link(src, save);
  gegl_node_process(save);
  g_object_unref(graph);

  GeglBuffer* content = make_buffer(40, 40, false);
  OpRun run = run_op(content, nullptr, path);
  EXPECT_TRUE(run.warnings.empty()) << run.warnings.front();
  auto in = pixels(content), out = pixels(run.output);
  EXPECT_NE(in, out);
  g_object_unref(run.output);
  g_object_unref(content);
  g_object_unref(style);
  g_unlink(path);
  g_free(path);
}

TEST_F(GeglOp, MissingStyleLeavesTheImageUnchangedAndSaysWhy) {
  GeglBuffer* content = make_buffer(30, 20, false);
  OpRun run = run_op(content, nullptr, "/nonexistent/painting.jpg");
  ASSERT_NE(run.output, nullptr);
  EXPECT_EQ(pixels(content), pixels(run.output));
  ASSERT_EQ(run.warnings.size(), 1u);
  EXPECT_NE(run.warnings[0].find("/nonexistent/painting.jpg"), std::string::npos) << run.warnings[0];
  g_object_unref(run.output);

  run = run_op(content, nullptr);
  EXPECT_EQ(pixels(content), pixels(run.output));
  ASSERT_EQ(run.warnings.size(), 1u);
  EXPECT_NE(run.warnings[0].find("No style image"), std::string::npos) << run.warnings[0];
  g_object_unref(run.output);
  g_object_unref(content);
}

TEST_F(GeglOp, FeedForwardWithAnInstalledModel) {
  const char* shared = g_getenv("IMPASTO_TEST_SHARED");
  gchar* models = g_build_filename(shared ? shared : "", "models", "fast-style-ml5", nullptr);
  if (!shared || !g_file_test(models, G_FILE_TEST_IS_DIR)) {
    g_free(models);
    GTEST_SKIP() << "../shared is absent: no installed style model to run";
  }
  ASSERT_TRUE(gegl_has_operation("impasto:feedforward"));
  GeglBuffer* content = make_buffer(61, 47, false);
  GeglNode* graph = gegl_node_new();
  GeglNode* src = gegl_node_new_child(graph, "operation", "gegl:buffer-source", "buffer", content, nullptr);
  GeglNode* op = gegl_node_new_child(graph, "operation", "impasto:feedforward", "model", "wave", "model-dir", models,
                                     "threads", 2, nullptr);
  GeglBuffer* output = nullptr;
  GeglNode* sink = gegl_node_new_child(graph, "operation", "gegl:buffer-sink", "buffer", &output, nullptr);
  gegl_node_link_many(src, op, sink, nullptr);
  gegl_node_process(sink);
  ASSERT_NE(output, nullptr);
  EXPECT_EQ(gegl_buffer_get_extent(output)->width, 61);
  auto in = pixels(content), out = pixels(output);
  double diff = 0.0;
  for (size_t i = 0; i < in.size(); ++i) {
    if (i % 4 == 3) ASSERT_FLOAT_EQ(out[i], in[i]);
    else diff += std::abs(out[i] - in[i]);
  }
  EXPECT_GT(diff / (in.size() * 0.75), 0.02);
  g_object_unref(output);
  g_object_unref(graph);
  g_object_unref(content);
  g_free(models);
}

TEST_F(GeglOp, ArbitraryStyleModelTakesTheStyleOnTheAuxPad) {
  const char* fixtures = g_getenv("IMPASTO_TEST_FIXTURES");
  gchar* adain = g_build_filename(fixtures ? fixtures : "", "adain-random", nullptr);
  if (!fixtures || !g_file_test(adain, G_FILE_TEST_IS_DIR)) {
    g_free(adain);
    GTEST_SKIP() << "PyTorch fixtures are absent (tests/python/make_fixtures.py writes them)";
  }
  GeglBuffer* content = make_buffer(48, 40, false);
  GeglBuffer* style = make_buffer(32, 32, true);
  auto run = [&](double alpha, bool with_style, OpRun* log) {
    GeglNode* graph = gegl_node_new();
    GeglNode* src = gegl_node_new_child(graph, "operation", "gegl:buffer-source", "buffer", content, nullptr);
    GeglNode* op = gegl_node_new_child(graph, "operation", "impasto:feedforward", "model", adain, "alpha", alpha,
                                       "threads", 2, nullptr);
    gegl_node_link(src, op);
    if (with_style) {
      GeglNode* aux = gegl_node_new_child(graph, "operation", "gegl:buffer-source", "buffer", style, nullptr);
      gegl_node_connect_to(aux, "output", op, "aux");
    }
    GeglBuffer* output = nullptr;
    GeglNode* sink = gegl_node_new_child(graph, "operation", "gegl:buffer-sink", "buffer", &output, nullptr);
    gegl_node_link(op, sink);
    guint handler = g_log_set_handler("impasto", G_LOG_LEVEL_WARNING, capture_log, log);
    gegl_node_process(sink);
    g_log_remove_handler("impasto", handler);
    g_object_unref(graph);
    auto px = pixels(output);
    g_object_unref(output);
    return px;
  };
  OpRun log;
  auto full = run(1.0, true, &log), none = run(0.0, true, &log);
  EXPECT_TRUE(log.warnings.empty()) << log.warnings.front();
  EXPECT_NE(full, none);
  auto unstyled = run(1.0, false, &log);
  EXPECT_EQ(unstyled, pixels(content));  // refused, input passed through
  ASSERT_EQ(log.warnings.size(), 1u);
  EXPECT_NE(log.warnings[0].find("needs a style image"), std::string::npos) << log.warnings[0];
  g_object_unref(content);
  g_object_unref(style);
  g_free(adain);
}

// A 30 000 x 30 000 layer (900 megapixels) needs tens of gigabytes: the op
// must refuse before it allocates anything, say what to change, and pass
// the input through. The input is an empty (sparse) buffer, so the test
// itself costs little memory.
TEST_F(GeglOp, RefusesAnImageTooLargeForTheMemoryAndPassesItThrough) {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  long long kb = 0;
  while (meminfo >> key >> kb)
    if (key == "MemAvailable:") break;
  if (kb > 50LL * 1024 * 1024) GTEST_SKIP() << "this machine has more than 50 GB free: a 30000 x 30000 job would fit";

  const GeglRectangle huge = {0, 0, 30000, 30000};
  GeglBuffer* content = gegl_buffer_new(&huge, babl_format("R'G'B'A float"));
  OpRun run;
  GeglNode* graph = gegl_node_new();
  GeglNode* src = gegl_node_new_child(graph, "operation", "gegl:buffer-source", "buffer", content, nullptr);
  GeglNode* op = gegl_node_new_child(graph, "operation", "impasto:feedforward", "model", "starry-night", nullptr);
  gegl_node_link(src, op);
  guint handler = g_log_set_handler(
      "impasto", static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO),
      capture_log, &run);
  const GeglRectangle corner = {29990, 29990, 10, 10};
  std::vector<float> px(10 * 10 * 4, 0.5f);
  gegl_node_blit(op, 1.0, &corner, babl_format("R'G'B'A float"), px.data(), GEGL_AUTO_ROWSTRIDE, GEGL_BLIT_DEFAULT);
  g_log_remove_handler("impasto", handler);

  ASSERT_EQ(run.warnings.size(), 1u);
  EXPECT_NE(run.warnings[0].find("30000 × 30000"), std::string::npos) << run.warnings[0];
  EXPECT_NE(run.warnings[0].find("GB"), std::string::npos) << run.warnings[0];
  for (float v : px) ASSERT_EQ(v, 0.0f);  // the (empty) input, unchanged
  g_object_unref(graph);
  g_object_unref(content);
}

// A 0 x 0 input (GIMP has no empty layers, but a GEGL graph can have an
// empty buffer): both operations behave as gegl:nop does, with no message
// and no crash.
TEST_F(GeglOp, EmptyInputGivesAnEmptyResultForBothOperations) {
  const GeglRectangle none = {0, 0, 0, 0};
  GeglBuffer* content = gegl_buffer_new(&none, babl_format("R'G'B'A float"));
  for (const char* operation : {"gegl:nop", "impasto:feedforward", "impasto:gatys"}) {
    OpRun run;
    GeglNode* graph = gegl_node_new();
    GeglNode* src = gegl_node_new_child(graph, "operation", "gegl:buffer-source", "buffer", content, nullptr);
    GeglNode* op = gegl_node_new_child(graph, "operation", operation, nullptr);
    gegl_node_link(src, op);
    GeglBuffer* output = nullptr;
    GeglNode* sink = gegl_node_new_child(graph, "operation", "gegl:buffer-sink", "buffer", &output, nullptr);
    gegl_node_link(op, sink);
    guint handler = g_log_set_handler("impasto", static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE),
                                      capture_log, &run);
    gegl_node_process(sink);
    g_log_remove_handler("impasto", handler);
    EXPECT_TRUE(run.warnings.empty()) << operation << ": " << run.warnings.front();
    // As for GEGL's own gegl:nop: the sink gets nothing, or an empty buffer.
    if (output) {
      const GeglRectangle* extent = gegl_buffer_get_extent(output);
      EXPECT_EQ(extent->width * extent->height, 0) << operation;
      g_object_unref(output);
    }
    g_object_unref(graph);
  }
  g_object_unref(content);
}

// Cancellation at random points (seeded, so a failure can be replayed): the
// flag is set from the progress signal after a random number of reports,
// in both methods, repeatedly. Every run must give exactly the input (never
// a partial result) and no warning.
namespace {
struct CancelAfter {
  gint* flag;
  int reports_left;
};
void cancel_after(GeglNode*, gdouble, gpointer data) {
  auto* c = static_cast<CancelAfter*>(data);
  if (--c->reports_left <= 0) g_atomic_int_set(c->flag, 1);
}
}  // namespace

TEST_F(GeglOp, CancellationAtRandomPointsNeverLeavesAPartialResult) {
  GRand* rand = g_rand_new_with_seed(20261125);
  // Feed-forward: 240 x 160 in 64-pixel tiles reports a dozen times.
  GeglBuffer* small = make_buffer(64, 48, false);
  GeglBuffer* large = make_buffer(240, 160, false);
  GeglBuffer* style = make_buffer(40, 40, true);
  for (int round = 0; round < 8; ++round) {
    const bool gatys = round % 2 == 0;
    GeglBuffer* content = gatys ? small : large;
    const std::vector<float> original = pixels(content);
    gint cancel = 0;
    CancelAfter after{&cancel, g_rand_int_range(rand, 1, 10)};
    OpRun run;
    GeglNode* graph = gegl_node_new();
    GeglNode* src = gegl_node_new_child(graph, "operation", "gegl:buffer-source", "buffer", content, nullptr);
    GeglNode* op = gatys ? gegl_node_new_child(graph, "operation", "impasto:gatys", "network", 2, "size", 48,
                                               "iterations", 1000, "threads", 2, "cancel", &cancel, nullptr)
                         : gegl_node_new_child(graph, "operation", "impasto:feedforward", "model", "starry-night",
                                               "tile-size", 64, "threads", 2, "cancel", &cancel, nullptr);
    gegl_node_link(src, op);
    if (gatys) {
      GeglNode* aux = gegl_node_new_child(graph, "operation", "gegl:buffer-source", "buffer", style, nullptr);
      gegl_node_connect_to(aux, "output", op, "aux");
    }
    g_signal_connect(op, "progress", G_CALLBACK(cancel_after), &after);
    guint handler = g_log_set_handler("impasto", static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE),
                                      capture_log, &run);
    GeglNode* sink = gegl_node_new_child(graph, "operation", "gegl:buffer-sink", "buffer", &run.output, nullptr);
    gegl_node_link(op, sink);
    gegl_node_process(sink);
    g_log_remove_handler("impasto", handler);
    g_object_unref(graph);
    ASSERT_NE(run.output, nullptr);
    EXPECT_EQ(pixels(run.output), original) << "round " << round << (gatys ? " (gatys)" : " (feed-forward)");
    EXPECT_TRUE(run.warnings.empty()) << run.warnings.front();
    g_object_unref(run.output);
  }
  g_rand_free(rand);
  g_object_unref(small);
  g_object_unref(large);
  g_object_unref(style);
}
