// The operation's title, labels and descriptions reach a host that runs in
// Simplified Chinese (GIMP calls setlocale before gegl_init, as this does).
#include <gegl.h>
#include <gtest/gtest.h>

#include <clocale>
#include <string>

TEST(OpTranslations, SimplifiedChinese) {
  if (!std::setlocale(LC_ALL, "zh_CN.UTF-8"))
    GTEST_SKIP() << "the zh_CN.UTF-8 locale is not installed (localedef -i zh_CN -f UTF-8 zh_CN.UTF-8)";
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
      EXPECT_STREQ(g_param_spec_get_blurb(specs[i]), "结果吸收风格纹理和颜色的程度");
    }
  g_free(specs);
  EXPECT_TRUE(found);
  gegl_exit();
}
