// Reading and writing image files for the command-line tools, through GEGL
// (so every format GIMP's GEGL reads works). Call gegl_init first.
#pragma once

#include "impasto/image.h"

#include <string>

namespace impasto::tools {

// RGB, non-linear sRGB floats; impasto::Error when the file cannot be read.
Image load_image(const std::string& path);
// Any format gegl:save knows from the extension (png, jpg, ...). When
// max_side is positive, the image is first scaled down to fit in it.
void save_image(const Image& image, const std::string& path, int max_side = 0);

}  // namespace impasto::tools
