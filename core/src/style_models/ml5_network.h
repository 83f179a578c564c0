// The fast-style-transfer network of Engstrom (after Johnson et al. 2016) in
// the layout ml5.js exports: one definition for inference on downloaded
// models and for training new ones (internal to core).
//
// Variable order (TensorFlow layout on disk, PyTorch layout in memory):
// conv 9x9 -> w0, conv 3x3/2 -> w1, conv 3x3/2 -> w2, `residual_blocks`
// blocks of two conv 3x3 at w2, transposed conv 3x3/2 -> w1 and -> w0, conv
// 9x9 -> 3; every convolution is followed by instance norm (shift, then
// scale) and has no bias. Downloaded ml5 models are 32/64/128 with 5 blocks.
//
// The transposed convolutions are 3x3 in the published models. A 3x3 kernel
// at stride 2 overlaps unevenly (output pixels alternately take one and two
// taps per axis), which paints a checkerboard the training must fight. A
// 4x4 kernel overlaps evenly, and one built from a 3x3 kernel W as
// (M W M^T, see resize_conv_kernel) is exactly nearest-neighbour upsampling
// followed by a 3x3 convolution (Odena et al. 2016), yet still a TF
// 'same' conv2d_transpose that ml5.js loads. impasto-train writes those.
#pragma once

#include "kernels/instance_norm.h"

#include <torch/torch.h>

#include <array>
#include <string>
#include <vector>

namespace impasto {

struct Ml5Architecture {
  std::array<int64_t, 3> widths{32, 64, 128};
  int residual_blocks = 5;
  int upsampling_kernel = 3;  // of both transposed convolutions: 3 or 4

  std::size_t variable_count() const { return 18 + 6 * static_cast<std::size_t>(residual_blocks); }
  // Shape of variable `index` in TensorFlow layout: conv [kh, kw, in, out],
  // transposed conv [kh, kw, out, in], norm shift and scale [out].
  std::vector<int64_t> variable_shape(std::size_t index) const;
  bool operator==(const Ml5Architecture& o) const {
    return widths == o.widths && residual_blocks == o.residual_blocks && upsampling_kernel == o.upsampling_kernel;
  }
};

class Ml5TransformerNetImpl : public torch::nn::Module {
 public:
  // Randomly initialised (convolutions as PyTorch's default, norm scale 1 and
  // shift 0; 4x4 transposed kernels as nearest upsampling + a random 3x3
  // convolution), for training.
  Ml5TransformerNetImpl(Ml5Architecture architecture, uint64_t seed);
  // Given variables in PyTorch layout, in variable order.
  Ml5TransformerNetImpl(Ml5Architecture architecture, std::vector<torch::Tensor> variables);

  // N x 3 x H x W RGB in [0, 1], H and W multiples of 4 -> same size.
  torch::Tensor forward(torch::Tensor x);
  // The same before clipping to [0, 1] (150 tanh + 127.5 reaches -22.5 and
  // 277.5): what training measures, since clipped pixels get no gradient.
  torch::Tensor unclipped(torch::Tensor x);

  const Ml5Architecture& architecture() const { return architecture_; }
  const std::vector<torch::Tensor>& variables() const { return variables_; }

  // Instance-norm statistics shared by the tiles of one picture.
  NormStatistics statistics;

 private:
  Ml5Architecture architecture_;
  std::vector<torch::Tensor> variables_;  // registered parameters
};
TORCH_MODULE(Ml5TransformerNet);

// A 4x4 stride-2 transposed-convolution kernel [in, out, 4, 4] equal to
// nearest-neighbour upsampling followed by the 3x3 convolution `w`
// [out, in, 3, 3] (PyTorch layouts), with TF 'same' cropping (offset 1).
torch::Tensor resize_conv_kernel(const torch::Tensor& w);

// manifest.json + raw float32 variable files; impasto::Error names the file
// and what is wrong. The architecture is read from the variable shapes.
Ml5TransformerNet read_ml5_network(const std::string& folder);
// Writes the same format (readable by ml5.js when the architecture is the
// default one). Files are written next to each other and the manifest last.
void write_ml5_network(Ml5TransformerNet& net, const std::string& folder);

}  // namespace impasto
