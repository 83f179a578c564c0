// Every parameter is described once (core/include/impasto/parameters.h);
// the GEGL ops' properties, the core's C API defaults, the PDB arguments
// and the settings' parasite are made from those rows and must agree with
// them. (The dialog's widgets: tests/ui/test_dialog.cpp.)
#include <gegl.h>
#include <gegl-paramspecs.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>

extern "C" {
#include "impasto-core-loader.h"
#include "impasto-parameters.h"
#include "impasto-pdb.h"
#include "impasto-settings.h"
}

namespace {

const ImpastoParameter* row_of(const char* gegl_name) {
  std::string id(gegl_name);
  for (char& c : id)
    if (c == '-') c = '_';
  guint n = 0;
  const ImpastoParameter* p = impasto_parameters(&n);
  for (guint i = 0; i < n; ++i)
    if (id == p[i].id) return &p[i];
  return nullptr;
}

void expect_property_matches(GParamSpec* spec, const ImpastoParameter* p) {
  SCOPED_TRACE(spec->name);
  switch (p->type) {
    case IMPASTO_TYPE_DOUBLE: {
      auto* d = G_PARAM_SPEC_DOUBLE(spec);
      EXPECT_DOUBLE_EQ(d->default_value, p->default_value);
      EXPECT_DOUBLE_EQ(d->minimum, p->min);
      EXPECT_DOUBLE_EQ(d->maximum, p->max);
      EXPECT_DOUBLE_EQ(GEGL_PARAM_SPEC_DOUBLE(spec)->ui_minimum, p->ui_min);
      EXPECT_DOUBLE_EQ(GEGL_PARAM_SPEC_DOUBLE(spec)->ui_maximum, p->ui_max);
      break;
    }
    case IMPASTO_TYPE_INT: {
      auto* d = G_PARAM_SPEC_INT(spec);
      EXPECT_EQ(d->default_value, (gint)p->default_value);
      EXPECT_EQ(d->minimum, (gint)p->min);
      EXPECT_EQ(d->maximum, (gint)p->max);
      EXPECT_EQ(GEGL_PARAM_SPEC_INT(spec)->ui_minimum, (gint)p->ui_min);
      EXPECT_EQ(GEGL_PARAM_SPEC_INT(spec)->ui_maximum, (gint)p->ui_max);
      break;
    }
    case IMPASTO_TYPE_BOOL:
      EXPECT_EQ(G_PARAM_SPEC_BOOLEAN(spec)->default_value, p->default_value != 0.0);
      break;
    case IMPASTO_TYPE_ENUM: {
      auto* e = G_PARAM_SPEC_ENUM(spec);
      EXPECT_EQ(e->default_value, (gint)p->default_value);
      ASSERT_EQ((gint)e->enum_class->n_values, p->n_values);
      for (gint v = 0; v < p->n_values; ++v) {
        EXPECT_EQ(e->enum_class->values[v].value, v);
        EXPECT_STREQ(e->enum_class->values[v].value_nick, p->values[v].nick);
      }
      break;
    }
    case IMPASTO_TYPE_STRING:
    case IMPASTO_TYPE_PATH:
      EXPECT_STREQ(G_PARAM_SPEC_STRING(spec)->default_value, p->default_text);
      break;
  }
  // GEGL shows the label without the dialog's mnemonic.
  EXPECT_STREQ(g_param_spec_get_nick(spec), impasto_parameter_plain_label(p->label));
}

class Parameters : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { gegl_init(nullptr, nullptr); }
};

}  // namespace

TEST_F(Parameters, GeglPropertiesAreTheRows) {
  for (const char* op : {"impasto:gatys", "impasto:feedforward"}) {
    SCOPED_TRACE(op);
    ASSERT_TRUE(gegl_has_operation(op)) << "GEGL_PATH must hold the build's plugin folder";
    guint n = 0;
    GParamSpec** specs = gegl_operation_list_properties(op, &n);
    int stored = 0;
    for (guint i = 0; i < n; ++i) {
      const ImpastoParameter* p = row_of(specs[i]->name);
      if (!p) {
        // What a plug-in does not store: the op's own plumbing, and what
        // only animation frames use (set per frame by the front end).
        const std::string name = specs[i]->name;
        EXPECT_TRUE(name == "model-dir" || name == "allow-fallback" || name == "device" || name == "cancel" ||
                    name == "report" || name == "consistency" || name == "previous-frame" ||
                    name == "previous-result")
            << name << " has no settings row";
        continue;
      }
      expect_property_matches(specs[i], p);
      ++stored;
    }
    g_free(specs);
    EXPECT_EQ(stored, std::string(op) == "impasto:gatys" ? 21 : 8);
  }
}

TEST_F(Parameters, PdbArgumentsAreTheRowsInTheirFixedOrder) {
  for (gint method : {(gint)IMPASTO_METHOD_GATYS, (gint)IMPASTO_METHOD_MODEL, (gint)IMPASTO_PDB_FRAMES}) {
    gint n = 0;
    GimpParamDef* args = impasto_pdb_args(method, &n);
    // The signatures scripts call: unchanged in length and order.
    EXPECT_EQ(n, method == IMPASTO_METHOD_GATYS ? 25 : method == IMPASTO_METHOD_MODEL ? 12 : 32);
    EXPECT_EQ(impasto_pdb_n_args(method), n);
    EXPECT_STREQ(args[3].name, method == IMPASTO_METHOD_GATYS ? "style-drawable"
                               : method == IMPASTO_METHOD_MODEL ? "model"
                                                                : "method");
    for (gint i = 3; i < n; ++i) {
      SCOPED_TRACE(args[i].name);
      const ImpastoParameter* p = std::string(args[i].name) == "consistency" ? impasto_parameter_consistency()
                                                                             : impasto_parameter_find(args[i].name);
      if (!p) {
        EXPECT_STREQ(args[i].name, "style-drawable");
        EXPECT_EQ(args[i].type, GIMP_PDB_DRAWABLE);
        continue;
      }
      EXPECT_EQ(args[i].type, p->type == IMPASTO_TYPE_DOUBLE                                 ? GIMP_PDB_FLOAT
                              : p->type == IMPASTO_TYPE_STRING || p->type == IMPASTO_TYPE_PATH ? GIMP_PDB_STRING
                                                                                               : GIMP_PDB_INT32);
      EXPECT_TRUE(g_str_has_prefix(args[i].description, p->help)) << args[i].description;
      if (p->type == IMPASTO_TYPE_DOUBLE || p->type == IMPASTO_TYPE_INT) {
        gchar* range = g_strdup_printf("(%g..%g, default %g)", p->min, p->max, p->default_value);
        EXPECT_TRUE(g_str_has_suffix(args[i].description, range)) << args[i].description;
        g_free(range);
      }
    }
    impasto_pdb_args_free(args, n);
  }
}

TEST_F(Parameters, CoreDefaultsAreTheRows) {
  GError* error = nullptr;
  const ImpastoCore* core = impasto_core_get(&error);
  ASSERT_NE(core, nullptr) << (error ? error->message : "");
  ImpastoSettings s;
  impasto_settings_init(&s);
  ImpastoGatysParams g;
  core->gatys_params_init(&g);
  EXPECT_DOUBLE_EQ(g.content_weight, s.content_weight);
  EXPECT_DOUBLE_EQ(g.style_weight, s.style_weight);
  EXPECT_DOUBLE_EQ(g.tv_weight, s.tv_weight);
  EXPECT_DOUBLE_EQ(g.style_scale, s.style_scale);
  EXPECT_DOUBLE_EQ(g.learning_rate, s.learning_rate);
  EXPECT_EQ(g.iterations, s.iterations);
  EXPECT_EQ(g.size, s.size);
  EXPECT_EQ(g.full_resolution, s.full_resolution);
  EXPECT_EQ(g.refine_iterations, s.refine_iterations);
  EXPECT_EQ(g.optimizer, s.optimizer);
  EXPECT_EQ(g.init, s.init);
  EXPECT_EQ(g.multiscale, s.multiscale);
  EXPECT_EQ(g.preserve_colors, s.preserve_colors);
  EXPECT_EQ(g.average_pooling, s.pooling == IMPASTO_POOLING_AVERAGE);
  EXPECT_EQ(g.allow_fallback, (int)IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_ALLOW_FALLBACK));
  EXPECT_EQ(g.seed, (unsigned long long)s.seed);
  EXPECT_EQ(g.threads, s.threads);
  EXPECT_STREQ(g.network, impasto_parameter_find("network")->values[s.network].nick);
  ImpastoFeedForwardParams f;
  core->feedforward_params_init(&f);
  EXPECT_DOUBLE_EQ(f.strength, s.strength);
  EXPECT_DOUBLE_EQ(f.scale, s.scale);
  EXPECT_DOUBLE_EQ(f.alpha, s.alpha);
  EXPECT_EQ(f.tile_size, s.tile_size);
  EXPECT_STREQ(f.model, s.model);
}

TEST_F(Parameters, ParasiteRoundTripsAndReadsTheFirstFormat) {
  ImpastoSettings in, out;
  ImpastoLinks links = {7, 9, "/tmp/painting.xcf"}, links_out;
  impasto_settings_init(&in);
  in.optimizer = IMPASTO_OPTIMIZER_ADAM;
  in.preserve_colors = IMPASTO_COLORS_HISTOGRAM;
  in.method = IMPASTO_METHOD_MODEL;
  gchar* text = impasto_settings_serialize(&in, &links);
  EXPECT_NE(std::strstr(text, "\noptimizer=adam\n"), nullptr) << text;
  impasto_settings_init(&out);
  GError* error = nullptr;
  ASSERT_TRUE(impasto_settings_parse(text, std::strlen(text), &out, &links_out, &error)) << error->message;
  EXPECT_EQ(std::memcmp(&in, &out, sizeof in), 0);
  EXPECT_EQ(links_out.style_tattoo, 9u);
  g_free(text);

  // Format 1 stored most enumerations by number.
  const char* old = "impasto-settings 1\nmethod=gatys\noptimizer=1\npreserve-colors=2\nnetwork=vgg19\nmultiscale=2\n";
  impasto_settings_init(&out);
  ASSERT_TRUE(impasto_settings_parse(old, std::strlen(old), &out, &links_out, &error)) << error->message;
  EXPECT_EQ(out.optimizer, IMPASTO_OPTIMIZER_ADAM);
  EXPECT_EQ(out.preserve_colors, IMPASTO_COLORS_HISTOGRAM);
  EXPECT_EQ(out.network, IMPASTO_NETWORK_VGG19);
  EXPECT_EQ(out.multiscale, IMPASTO_MULTISCALE_OFF);

  // Out of range is damage, and the message names the setting.
  const char* bad = "impasto-settings 2\niterations=0\n";
  EXPECT_FALSE(impasto_settings_parse(bad, std::strlen(bad), &out, &links_out, &error));
  ASSERT_NE(error, nullptr);
  EXPECT_NE(std::strstr(error->message, "Iterations"), nullptr) << error->message;
  g_clear_error(&error);
}
