// Builds feature networks from files in the model directory.
#pragma once

#include "impasto/feature_network.h"
#include "impasto/parameters.h"

#include <string>

namespace impasto {

// The networks' names, in the order of IMPASTO_NETWORK_*: "darknet-tiny"
// (TensorFlow.js layers format), "vgg19" (torchvision checkpoint) or
// "random" (weights-free, needs no file).
#define IMPASTO_NETWORK_NICK_(family, NAME, nick, label) nick,
inline constexpr const char* network_names[] = {IMPASTO_ENUM_NETWORK(IMPASTO_NETWORK_NICK_)};
#undef IMPASTO_NETWORK_NICK_

struct NetworkOptions {
  std::string network = network_names[IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_NETWORK)];
  // Directory holding network files; empty means default_model_dir().
  std::string model_dir;
  // Average pooling gives smoother, cleaner results (Gatys et al. 2016).
  Pooling pooling = static_cast<Pooling>(IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_POOLING));
  // When the chosen network's files are missing, use the weights-free
  // fallback instead of failing (the result reports it). Off for callers of
  // the library, who ask for it; the front ends' default is the parameter
  // row's (on), which the C API passes.
  bool allow_fallback = false;
};

// $IMPASTO_MODEL_DIR, else $XDG_DATA_HOME/impasto/models, else
// ~/.local/share/impasto/models.
std::string default_model_dir();

// The styles that ship with Impasto (trained by impasto-train):
// $IMPASTO_STYLES_DIR, else the folder they are installed in.
std::string builtin_styles_dir();

// Turns c10::Error and I/O failures into impasto::Error naming the file.
class NetworkLoader {
 public:
  explicit NetworkLoader(NetworkOptions options);
  SequentialFeatureNetwork load() const;

  // Individual formats, public for tests and tools.
  static SequentialFeatureNetwork load_tfjs_layers(const std::string& model_json, Pooling pooling);
  static SequentialFeatureNetwork load_torchvision_vgg19(const std::string& checkpoint, Pooling pooling);
  static SequentialFeatureNetwork make_random(Pooling pooling);

  // Where the named network's main file is expected.
  std::string network_path(const std::string& network) const;

 private:
  NetworkOptions options_;
};

}  // namespace impasto
