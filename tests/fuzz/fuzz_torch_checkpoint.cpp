// PyTorch checkpoints (zip and legacy pickles) through the restricted
// reader, and the fast_neural_style / CycleGAN / VGG-19 loaders built on it.
// Any outcome but a loaded model or an impasto::Error is a finding.
#include "fuzz_support.h"
#include "impasto/network_loader.h"
#include "impasto/style_model.h"
#include "impasto/torch_checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto file = (impasto_fuzz::fresh_folder() / "model.pth").string();
  impasto_fuzz::write_file(file, data, size);
  try {
    for (const auto& [name, tensor] : impasto::read_torch_state_dict(file))
      (void)tensor.sum().item<double>();  // every byte of every tensor is read
  } catch (const impasto::Error&) {
  }
  try {
    (void)impasto::load_torch_style_model(file);
  } catch (const impasto::Error&) {
  }
  try {
    (void)impasto::NetworkLoader::load_torchvision_vgg19(file, impasto::Pooling::Average);
  } catch (const impasto::Error&) {
  }
  return 0;
}
