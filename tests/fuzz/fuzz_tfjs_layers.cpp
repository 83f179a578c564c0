// TensorFlow.js layers models (model.json + weight shards), packed as
// described in fuzz_support.h: the feature networks of the Gatys method.
// A network that loads must compute its features or fail with an error the
// job turns into a message (c10::Error), never crash.
#include "fuzz_support.h"
#include "impasto/network_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto folder = impasto_fuzz::unpack_files(data, size);
  try {
    auto net = impasto::NetworkLoader::load_tfjs_layers((folder / "model.json").string(), impasto::Pooling::Average);
    torch::InferenceMode inference;
    (void)net->features(torch::rand({1, 3, 16, 16}), net->layer_names());
  } catch (const impasto::Error&) {
  } catch (const c10::Error&) {
  }
  return 0;
}
