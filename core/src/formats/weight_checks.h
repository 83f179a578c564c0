// A check every reader of weights makes (internal to core).
#pragma once

#include "impasto/error.h"

#include <torch/torch.h>

#include <string>

namespace impasto {

// impasto::Error naming the weight and its file when it holds NaN or
// infinite values.
inline void require_finite(const torch::Tensor& t, const std::string& name, const std::string& file) {
  if (!torch::isfinite(t).all().item<bool>())
    throw Error("The weight \"" + name + "\" in \"" + file + "\" contains NaN or infinite values.");
}

}  // namespace impasto
