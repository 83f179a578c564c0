#include "image_io.h"

#include "impasto/error.h"

#include <gegl.h>

#include <algorithm>

namespace impasto::tools {

namespace {
const Babl* format_for(int channels) {
  switch (channels) {
    case 1: return babl_format("Y' float");
    case 3: return babl_format("R'G'B' float");
    default: return babl_format("R'G'B'A float");
  }
}
}  // namespace

Image load_image(const std::string& path) {
  // gegl:load shows a placeholder for a missing file rather than failing.
  if (!g_file_test(path.c_str(), G_FILE_TEST_IS_REGULAR)) throw Error("Cannot read the image \"" + path + "\": no such file.");
  GeglNode* graph = gegl_node_new();
  GeglNode* load = gegl_node_new_child(graph, "operation", "gegl:load", "path", path.c_str(), nullptr);
  GeglBuffer* buffer = nullptr;
  GeglNode* sink = gegl_node_new_child(graph, "operation", "gegl:buffer-sink", "buffer", &buffer, nullptr);
  gegl_node_link(load, sink);
  gegl_node_process(sink);
  g_object_unref(graph);
  const GeglRectangle* extent = buffer ? gegl_buffer_get_extent(buffer) : nullptr;
  if (!extent || extent->width <= 0 || extent->height <= 0) {
    if (buffer) g_object_unref(buffer);
    throw Error("Cannot read the image \"" + path + "\".");
  }
  Image image(extent->width, extent->height, 3);
  gegl_buffer_get(buffer, extent, 1.0, format_for(3), image.pixels.data(), GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  g_object_unref(buffer);
  return image;
}

void save_image(const Image& image, const std::string& path, int max_side) {
  if (image.empty()) throw Error("Nothing to save to \"" + path + "\".");
  const GeglRectangle rect{0, 0, image.width, image.height};
  GeglBuffer* buffer = gegl_buffer_new(&rect, format_for(image.channels));
  gegl_buffer_set(buffer, &rect, 0, format_for(image.channels), image.pixels.data(), GEGL_AUTO_ROWSTRIDE);
  GeglNode* graph = gegl_node_new();
  GeglNode* source = gegl_node_new_child(graph, "operation", "gegl:buffer-source", "buffer", buffer, nullptr);
  GeglNode* last = source;
  const int side = std::max(image.width, image.height);
  if (max_side > 0 && side > max_side) {
    const double ratio = static_cast<double>(max_side) / side;
    GeglNode* scale = gegl_node_new_child(graph, "operation", "gegl:scale-ratio", "x", ratio, "y", ratio,
                                          "sampler", GEGL_SAMPLER_CUBIC, nullptr);
    gegl_node_link(last, scale);
    last = scale;
  }
  GeglNode* save = gegl_node_new_child(graph, "operation", "gegl:save", "path", path.c_str(), nullptr);
  gegl_node_link(last, save);
  gegl_node_process(save);
  g_object_unref(graph);
  g_object_unref(buffer);
  if (!g_file_test(path.c_str(), G_FILE_TEST_EXISTS)) throw Error("Cannot write the image \"" + path + "\".");
}

}  // namespace impasto::tools
