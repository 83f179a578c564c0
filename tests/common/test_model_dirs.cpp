// The dialog lists models without loading LibTorch, so the plug-in repeats
// the core's folder rules in plain C (impasto-models.c). They must agree.
#include "impasto/network_loader.h"
#include "impasto-models.h"

#include <gtest/gtest.h>

#include <string>

namespace {

void expect_same_folders(const char* what) {
  gchar* user = impasto_user_model_dir();
  gchar* builtin = impasto_builtin_styles_dir();
  EXPECT_EQ(std::string(user), impasto::default_model_dir()) << what;
  EXPECT_EQ(std::string(builtin), impasto::builtin_styles_dir()) << what;
  g_free(user);
  g_free(builtin);
}

}  // namespace

TEST(ModelFolders, PlugInAndCoreAgree) {
  g_setenv("HOME", "/home/someone", TRUE);
  g_setenv("IMPASTO_MODEL_DIR", "/models/here", TRUE);
  g_setenv("IMPASTO_STYLES_DIR", "/styles/here", TRUE);
  expect_same_folders("both set");
  g_unsetenv("IMPASTO_MODEL_DIR");
  g_unsetenv("IMPASTO_STYLES_DIR");
  g_setenv("XDG_DATA_HOME", "/xdg/data", TRUE);
  expect_same_folders("XDG_DATA_HOME, installed styles");
  g_unsetenv("XDG_DATA_HOME");
  expect_same_folders("HOME only");
  g_setenv("IMPASTO_MODEL_DIR", "", TRUE);  // empty counts as unset
  expect_same_folders("empty IMPASTO_MODEL_DIR");
}
