// Picks a loss network by name and finds its file in the model directory;
// each network is built in a file of its own (tiny_darknet.cpp, vgg19.cpp,
// weights_free.cpp).
#include "impasto/network_loader.h"

#include "impasto/error.h"

#include <sys/stat.h>

namespace impasto {
namespace {

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

NetworkLoader::NetworkLoader(NetworkOptions options) : options_(std::move(options)) {
  if (options_.model_dir.empty()) options_.model_dir = default_model_dir();
}

std::string NetworkLoader::network_path(const std::string& network) const {
  if (network == "darknet-tiny") return options_.model_dir + "/darknet-tiny/model.json";
  if (network == "vgg19") return options_.model_dir + "/vgg19/vgg19.pth";
  return {};
}

SequentialFeatureNetwork NetworkLoader::load() const {
  const auto& n = options_.network;
  if (n == "random") return make_random(options_.pooling);
  if (n != "darknet-tiny" && n != "vgg19")
    throw Error("Unknown network \"" + n + "\"; choose darknet-tiny, vgg19 or random.");
  const std::string path = network_path(n);
  if (!file_exists(path)) {
    if (options_.allow_fallback) return make_random(options_.pooling);
    throw Error("The network file \"" + path + "\" is missing. Run models/fetch " + n +
                " to install it, or choose the weights-free network.");
  }
  return n == "vgg19" ? load_torchvision_vgg19(path, options_.pooling) : load_tfjs_layers(path, options_.pooling);
}

}  // namespace impasto
