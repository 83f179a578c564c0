// The operation's title, labels and descriptions reach a host that runs in
// Simplified Chinese (GIMP calls setlocale before gegl_init, as this does).
#include <gegl.h>
#include <gtest/gtest.h>

#include <clocale>
#include <string>

TEST(OpTranslations, SimplifiedChinese) {
  // The build compiles the locale into LOCPATH (tests/meson.build).
  ASSERT_NE(std::setlocale(LC_ALL, "zh_CN.UTF-8"), nullptr)
      << "the zh_CN.UTF-8 locale is missing (LOCPATH=" << (g_getenv("LOCPATH") ? g_getenv("LOCPATH") : "") << ")";
  g_unsetenv("LANGUAGE");
  gegl_init(nullptr, nullptr);
  ASSERT_TRUE(gegl_has_operation("impasto:gatys"));
  EXPECT_STREQ(gegl_operation_get_key("impasto:gatys", "title"), "风格迁移（优化）");
  guint n = 0;
  GParamSpec** specs = gegl_operation_list_properties("impasto:gatys", &n);
  bool found = false;
  for (guint i = 0; i < n; ++i)
    if (std::string(specs[i]->name) == "style-weight") {
      found = true;
      EXPECT_STREQ(g_param_spec_get_nick(specs[i]), "风格权重");
      // The mnemonic "(_Y)" of the dialog's label is not part of GEGL's nick.
      EXPECT_STREQ(g_param_spec_get_blurb(specs[i]), "风格的笔触和纹理被绘入的强度");
    }
  g_free(specs);
  EXPECT_TRUE(found);

  // A message from the core (LibTorch side) reaches the user translated: a
  // tile size the op allows but the core refuses.
  GeglBuffer* content = gegl_buffer_new(GEGL_RECTANGLE(0, 0, 32, 24), babl_format("R'G'B'A float"));
  GeglNode* graph = gegl_node_new();
  GeglNode* src = gegl_node_new_child(graph, "operation", "gegl:buffer-source", "buffer", content, nullptr);
  GeglNode* op = gegl_node_new_child(graph, "operation", "impasto:feedforward", "model", "starry-night",
                                     "tile-size", 10, nullptr);
  GeglBuffer* out = nullptr;
  GeglNode* sink = gegl_node_new_child(graph, "operation", "gegl:buffer-sink", "buffer", &out, nullptr);
  gegl_node_link_many(src, op, sink, nullptr);
  std::string warning;
  guint handler = g_log_set_handler(
      "impasto", G_LOG_LEVEL_WARNING,
      [](const gchar*, GLogLevelFlags, const gchar* message, gpointer data) { *static_cast<std::string*>(data) = message; },
      &warning);
  gegl_node_process(sink);
  g_log_remove_handler("impasto", handler);
  EXPECT_NE(warning.find("分块大小必须为 0（自动）或介于 64 和 8192 像素之间。"), std::string::npos) << warning;
  g_clear_object(&out);
  g_object_unref(graph);
  g_object_unref(content);
  gegl_exit();
}
