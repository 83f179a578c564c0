// Tells the style model formats apart by their content, not their name.
#include "impasto/error.h"
#include "impasto/style_model.h"

#include <caffe2/serialize/inline_container.h>

#include <fstream>

namespace impasto {

std::unique_ptr<StyleModel> load_style_model(const std::string& where) {
  std::ifstream manifest(where + "/manifest.json");
  if (manifest) return load_ml5_style_model(where);
  if (std::ifstream(where + "/decoder.pth") && std::ifstream(where + "/vgg_normalised.pth")) return load_adain_style_model(where);
  // models/fetch installs single-file models as <name>/model.pth.
  const std::string path = std::ifstream(where + "/model.pth") ? where + "/model.pth" : where;
  std::ifstream file(path, std::ios::binary);
  char magic[2] = {0, 0};
  if (file.read(magic, 2) && magic[0] == 'P' && magic[1] == 'K') {
    // TorchScript archives hold code; torch.save archives hold only data.
    bool script = false;
    try {
      caffe2::serialize::PyTorchStreamReader reader(path);
      script = reader.hasRecord("constants.pkl") || reader.hasRecord("code/__torch__.py");
    } catch (const c10::Error& e) {
      throw Error("\"" + path + "\" is a damaged archive: " + e.what_without_backtrace());
    }
    return script ? load_torchscript_style_model(path) : load_torch_style_model(path);
  }
  if (static_cast<unsigned char>(magic[0]) == 0x80) return load_torch_style_model(path);
  throw Error("\"" + path + "\" is not a style model Impasto can read.");
}

}  // namespace impasto
