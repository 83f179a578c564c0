// Errors raised by the Impasto core. Messages are complete English sentences
// meant for users; front ends translate them through the "impasto" domain.
#pragma once

#include <stdexcept>
#include <string>

namespace impasto {

// Marks a message for translation without making the core depend on
// gettext: xgettext extracts IMPASTO_N_("...") (po/POTFILES), and the GEGL
// ops translate a core message they receive when the catalogue has it. Only
// whole sentences are marked; messages built around a file name stay English.
#define IMPASTO_N_(text) text

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Thrown when the progress callback asks to stop; nothing is returned.
class Cancelled : public Error {
 public:
  Cancelled() : Error(IMPASTO_N_("Style transfer was cancelled.")) {}
};

}  // namespace impasto
