// The name a style model is shown by, from where it was loaded (internal to
// core): "wave" for .../wave/, "candy" for .../candy.pth, and the folder's
// name for models/fetch's .../<name>/model.pth.
#pragma once

#include <string>

namespace impasto {

inline std::string model_name_from_path(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  const auto slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const auto dot = name.find_last_of('.');
  if (dot != std::string::npos && dot > 0) name = name.substr(0, dot);
  if (name == "model" && slash != std::string::npos && slash > 0) return model_name_from_path(path.substr(0, slash));
  return name;
}

}  // namespace impasto
