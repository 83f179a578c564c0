// The preview worker: superseded renders are cancelled, never two at once,
// the last setting wins, and only its result reaches the main loop.
#include "impasto-preview-worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace {

struct Probe {
  std::atomic<int> running{0}, most_at_once{0}, started{0}, cancelled{0};
  std::vector<int> delivered;  // main loop only
  int render_ms = 200;
};

// "Renders" for render_ms, checking the cancel flag every millisecond; the
// result is the seed of the settings it rendered.
gpointer slow_render(const ImpastoSettings* s, gpointer inputs, gint* cancel, GError**, gpointer data) {
  if (inputs) g_atomic_int_inc(static_cast<gint*>(inputs));
  auto* p = static_cast<Probe*>(data);
  const int now = ++p->running;
  int prev = p->most_at_once.load();
  while (now > prev && !p->most_at_once.compare_exchange_weak(prev, now)) {
  }
  ++p->started;
  gpointer result = GINT_TO_POINTER(s->seed + 1);
  for (int ms = 0; ms < p->render_ms; ++ms) {
    if (g_atomic_int_get(cancel)) {
      ++p->cancelled;
      result = nullptr;
      break;
    }
    g_usleep(1000);
  }
  --p->running;
  return result;
}

void record(gpointer result, const GError*, gpointer data) {
  static_cast<Probe*>(data)->delivered.push_back(GPOINTER_TO_INT(result) - 1);
}

ImpastoSettings with_seed(int seed) {
  ImpastoSettings s;
  impasto_settings_init(&s);
  s.seed = seed;
  return s;
}

void spin_until_idle(ImpastoPreviewWorker* w, int timeout_ms = 5000) {
  for (int ms = 0; ms < timeout_ms && impasto_preview_worker_busy(w); ms += 2) {
    while (g_main_context_pending(nullptr)) g_main_context_iteration(nullptr, FALSE);
    g_usleep(2000);
  }
  for (int i = 0; i < 50; ++i) {  // deliveries queued just before the end
    while (g_main_context_pending(nullptr)) g_main_context_iteration(nullptr, FALSE);
    g_usleep(1000);
  }
}

}  // namespace

TEST(PreviewWorker, LastSettingWinsAndSupersededRendersAreCancelled) {
  Probe probe;
  auto* w = impasto_preview_worker_new(slow_render, record, nullptr, &probe);
  for (int seed = 1; seed <= 6; ++seed) {
    auto s = with_seed(seed);
    impasto_preview_worker_submit(w, &s, nullptr, nullptr);
    g_usleep(20000);  // a user dragging a slider
  }
  spin_until_idle(w);
  EXPECT_EQ(probe.delivered, std::vector<int>{6});
  EXPECT_EQ(probe.most_at_once.load(), 1) << "two renders ran at once";
  EXPECT_GE(probe.cancelled.load(), 1) << "a superseded render was not told to stop";
  EXPECT_LE(probe.started.load(), 6);
  impasto_preview_worker_free(w);
}

TEST(PreviewWorker, EachSettledRequestIsDelivered) {
  Probe probe;
  probe.render_ms = 10;
  auto* w = impasto_preview_worker_new(slow_render, record, nullptr, &probe);
  for (int seed : {3, 4}) {
    auto s = with_seed(seed);
    impasto_preview_worker_submit(w, &s, nullptr, nullptr);
    spin_until_idle(w);
  }
  EXPECT_EQ(probe.delivered, (std::vector<int>{3, 4}));
  impasto_preview_worker_free(w);
}

TEST(PreviewWorker, CancelDropsTheRunningAndWaitingRenders) {
  Probe probe;
  probe.render_ms = 600000;  // ten minutes: only the cancel flag ends it
  auto* w = impasto_preview_worker_new(slow_render, record, nullptr, &probe);
  auto s = with_seed(1);
  impasto_preview_worker_submit(w, &s, nullptr, nullptr);
  g_usleep(30000);
  impasto_preview_worker_cancel(w);
  spin_until_idle(w);
  EXPECT_FALSE(impasto_preview_worker_busy(w)) << "the render did not stop when cancelled";
  EXPECT_TRUE(probe.delivered.empty());
  EXPECT_EQ(probe.cancelled.load(), 1);
  impasto_preview_worker_free(w);
}

namespace {
std::atomic<int> inputs_freed{0};
void free_counter(gpointer p) {
  ++inputs_freed;
  g_free(p);
}
}  // namespace

TEST(PreviewWorker, InputsReachTheRenderAndAreAlwaysFreed) {
  Probe probe;
  probe.render_ms = 50;
  inputs_freed = 0;
  auto* w = impasto_preview_worker_new(slow_render, record, nullptr, &probe);
  auto* seen = g_new0(gint, 1);
  auto s = with_seed(1);
  impasto_preview_worker_submit(w, &s, seen, nullptr);  // kept to read the count
  spin_until_idle(w);
  EXPECT_EQ(g_atomic_int_get(seen), 1);
  for (int i = 0; i < 5; ++i) impasto_preview_worker_submit(w, &s, g_new0(gint, 1), free_counter);
  impasto_preview_worker_free(w);  // superseded, running and waiting inputs all freed
  EXPECT_EQ(inputs_freed.load(), 5);
  g_free(seen);
}

TEST(PreviewWorker, FreeWhileRenderingStopsAndJoins) {
  Probe probe;
  probe.render_ms = 600000;  // ten minutes: freeing must stop it, not wait for it
  auto* w = impasto_preview_worker_new(slow_render, record, nullptr, &probe);
  auto s = with_seed(1);
  impasto_preview_worker_submit(w, &s, nullptr, nullptr);
  g_usleep(30000);
  impasto_preview_worker_free(w);
  EXPECT_EQ(probe.cancelled.load(), 1) << "the running render was not told to stop";
  EXPECT_EQ(probe.running.load(), 0);
  EXPECT_TRUE(probe.delivered.empty());
}
