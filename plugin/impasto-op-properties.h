/* The GEGL properties of an Impasto op, expanded from the parameter rows
 * (impasto/parameters.h). Included by an op inside its GEGL_PROPERTIES
 * block, after defining
 *   IMPASTO_OP_PARAMETERS  the op's list, e.g. IMPASTO_GATYS_PARAMETERS
 *   IMPASTO_OP_ENUMS(E)    E (family) for each enumeration it uses.
 * gegl-op.h reads that block several times with different meanings of
 * property_*() and enum_*(), so there is no include guard. Enumerations
 * are registered per op (impasto_gatys_COLORS, ...): a GType name can be
 * registered only once per process. */

#ifndef IMPASTO_OP_CAT3
#define IMPASTO_OP_CAT3_(a, b, c) a##b##c
#define IMPASTO_OP_CAT3(a, b, c)  IMPASTO_OP_CAT3_ (a, b, c)
#define IMPASTO_OP_ENUM_TYPE(family) IMPASTO_OP_CAT3 (GEGL_OP_NAME, _, family)

/* Through one more macro, so that the names are pasted before enum_*()
 * and property_enum() paste and quote them. */
#define IMPASTO_OP_ENUM_START_(type)  enum_start (type)
#define IMPASTO_OP_ENUM_END_(type)    enum_end (type)
#define IMPASTO_OP_ENUM_VALUE_(family, NAME, nick, label) \
  enum_value (IMPASTO_OP_CAT3 (GEGL_OP_NAME, _, family##_##NAME), nick, label)
#define IMPASTO_OP_ENUM_(family) \
  IMPASTO_OP_ENUM_START_ (IMPASTO_OP_ENUM_TYPE (family)) \
    IMPASTO_ENUM_##family (IMPASTO_OP_ENUM_VALUE_) \
  IMPASTO_OP_ENUM_END_ (IMPASTO_OP_ENUM_TYPE (family))
#define IMPASTO_OP_PROPERTY_ENUM_(id, label, type, def) \
  property_enum (id, label, type, type, def)

#define IMPASTO_OP_LABEL_(label) impasto_parameter_plain_label (label)
#define IMPASTO_OP_NUMBER_UI_(min, max, umin, umax, step, log) \
  value_range (min, max) ui_range (umin, umax) ui_steps (step, step * 10) ui_gamma ((log) ? 3.0 : 1.0)

#define IMPASTO_OP_PROPERTY_DOUBLE(id, label, help, def, min, max, umin, umax, step, digits, log, extra) \
  property_double (id, IMPASTO_OP_LABEL_ (label), def) description (_(help)) \
    IMPASTO_OP_NUMBER_UI_ (min, max, umin, umax, step, log) ui_digits (digits)
#define IMPASTO_OP_PROPERTY_INT(id, label, help, def, min, max, umin, umax, step, digits, log, extra) \
  property_int (id, IMPASTO_OP_LABEL_ (label), def) description (_(help)) \
    IMPASTO_OP_NUMBER_UI_ (min, max, umin, umax, step, log)
#define IMPASTO_OP_PROPERTY_BOOL(id, label, help, def, ...) \
  property_boolean (id, IMPASTO_OP_LABEL_ (label), def) description (_(help))
#define IMPASTO_OP_PROPERTY_ENUM(id, label, help, def, min, max, umin, umax, step, digits, log, family) \
  IMPASTO_OP_PROPERTY_ENUM_ (id, IMPASTO_OP_LABEL_ (label), IMPASTO_OP_ENUM_TYPE (family), def) description (_(help))
#define IMPASTO_OP_PROPERTY_STRING(id, label, help, def, ...) \
  property_string (id, IMPASTO_OP_LABEL_ (label), def) description (_(help))
#define IMPASTO_OP_PROPERTY_PATH(id, label, help, def, ...) \
  property_file_path (id, IMPASTO_OP_LABEL_ (label), def) description (_(help))
#define IMPASTO_OP_PROPERTY_POINTER(id, label, help, ...) \
  property_pointer (id, IMPASTO_OP_LABEL_ (label), NULL) description (_(help))
#define IMPASTO_OP_PROPERTY_(TYPE, id, key, label, help, ...) \
  IMPASTO_OP_PROPERTY_##TYPE (id, label, help, __VA_ARGS__)
#endif

IMPASTO_OP_ENUMS (IMPASTO_OP_ENUM_)
IMPASTO_OP_PARAMETERS (IMPASTO_OP_PROPERTY_)
