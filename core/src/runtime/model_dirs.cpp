// Where models are found (declared in impasto/network_loader.h).
#include "impasto/network_loader.h"

#include <cstdlib>

namespace impasto {

std::string default_model_dir() {
  if (const char* dir = std::getenv("IMPASTO_MODEL_DIR"); dir && *dir) return dir;
  if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data) return std::string(data) + "/impasto/models";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/share/impasto/models";
  return "impasto-models";
}

std::string builtin_styles_dir() {
  if (const char* dir = std::getenv("IMPASTO_STYLES_DIR"); dir && *dir) return dir;
  return IMPASTO_STYLES_DIR;
}

}  // namespace impasto
