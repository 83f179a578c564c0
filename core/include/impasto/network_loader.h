// Builds feature networks from files in the model directory.
#pragma once

#include "impasto/feature_network.h"

#include <string>

namespace impasto {

// "darknet-tiny" (default, TensorFlow.js layers format), "vgg19" (torchvision
// checkpoint) or "random" (weights-free fallback, needs no file).
struct NetworkOptions {
  std::string network = "darknet-tiny";
  // Directory holding network files; empty means default_model_dir().
  std::string model_dir;
  // Average pooling gives smoother, cleaner results (Gatys et al. 2016).
  Pooling pooling = Pooling::Average;
  // When the chosen network's files are missing, use the weights-free
  // fallback instead of failing (the result reports it).
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
