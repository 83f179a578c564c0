// TorchScript archives with their JSON sidecar (model.pt + model.json),
// packed as described in fuzz_support.h, through the format detection a
// model folder goes through. Only LibTorch's TorchScript loader reads the
// archive; a model that loads is run once, as a job would.
#include "fuzz_support.h"
#include "impasto/style_model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto folder = impasto_fuzz::unpack_files(data, size);
  std::unique_ptr<impasto::StyleModel> model;
  try {
    model = impasto::load_style_model((folder / "model.pt").string());
  } catch (const impasto::Error&) {
    return 0;
  }
  try {
    torch::InferenceMode inference;
    (void)model->stylize(torch::rand({1, 3, 8, 8}));
  } catch (const impasto::Error&) {
  } catch (const c10::Error&) {
  }
  return 0;
}
