// Errors raised by the Impasto core. Messages are complete English sentences
// meant for users; front ends translate them through the "impasto" domain.
#pragma once

#include <stdexcept>
#include <string>

namespace impasto {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Thrown when the progress callback asks to stop; nothing is returned.
class Cancelled : public Error {
 public:
  Cancelled() : Error("Style transfer was cancelled.") {}
};

}  // namespace impasto
