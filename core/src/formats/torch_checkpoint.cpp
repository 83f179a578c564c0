#include "impasto/torch_checkpoint.h"

#include "impasto/error.h"

#include <caffe2/serialize/inline_container.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <variant>

namespace impasto {
namespace {

// ---- values a state dict pickle may hold ------------------------------------

struct Value;
using ValuePtr = std::shared_ptr<Value>;

struct TensorRef {  // a view into a storage, materialised once storages are read
  std::string storage_key;
  int64_t offset = 0;
  std::vector<int64_t> size, stride;
};

struct StorageRef {
  std::string key;
  torch::ScalarType dtype = torch::kFloat;
  int64_t numel = 0;
};

struct Value {
  enum class Kind { None, Bool, Int, Float, String, Tuple, List, Dict, Global, Storage, Tensor, Mark } kind = Kind::None;
  int64_t i = 0;
  double f = 0.0;
  std::string s;                                  // String; Global "module.name"
  std::vector<ValuePtr> items;                    // Tuple, List
  std::vector<std::pair<ValuePtr, ValuePtr>> dict;
  StorageRef storage;
  TensorRef tensor;
};

ValuePtr make(Value::Kind k) {
  auto v = std::make_shared<Value>();
  v->kind = k;
  return v;
}

torch::ScalarType storage_dtype(const std::string& global) {
  static const std::map<std::string, torch::ScalarType> types = {
      {"torch.FloatStorage", torch::kFloat},   {"torch.DoubleStorage", torch::kDouble},
      {"torch.HalfStorage", torch::kHalf},     {"torch.BFloat16Storage", torch::kBFloat16},
      {"torch.LongStorage", torch::kLong},     {"torch.IntStorage", torch::kInt},
      {"torch.ShortStorage", torch::kShort},   {"torch.CharStorage", torch::kChar},
      {"torch.ByteStorage", torch::kByte},     {"torch.BoolStorage", torch::kBool}};
  auto it = types.find(global);
  if (it == types.end()) throw Error("unsupported storage type " + global);
  return it->second;
}

// ---- the restricted unpickler -----------------------------------------------

class Unpickler {
 public:
  Unpickler(const char* data, std::size_t size) : p_(data), end_(data + size) {}
  // A hostile pickle can make a list or dict contain itself (memo + append):
  // break every link so the shared pointers' cycles are freed.
  ~Unpickler() {
    for (auto& v : created_) {
      v->items.clear();
      v->dict.clear();
    }
  }
  Unpickler(const Unpickler&) = delete;
  Unpickler& operator=(const Unpickler&) = delete;
  std::size_t consumed(const char* base) const { return static_cast<std::size_t>(p_ - base); }
  std::vector<ValuePtr> storages;  // in order of appearance

  ValuePtr load() {
    for (;;) {
      const auto op = static_cast<unsigned char>(byte());
      switch (op) {
        case 0x80: byte(); break;                          // PROTO
        case 0x95: skip(8); break;                         // FRAME
        case '.': return pop();                            // STOP
        case '(': stack_.push_back(make(Value::Kind::Mark)); break;
        case ')': stack_.push_back(make(Value::Kind::Tuple)); break;
        case ']': stack_.push_back(make(Value::Kind::List)); break;
        case '}': stack_.push_back(make(Value::Kind::Dict)); break;
        case 'N': stack_.push_back(make(Value::Kind::None)); break;
        case 0x88: case 0x89: {                            // NEWTRUE, NEWFALSE
          auto v = make(Value::Kind::Bool);
          v->i = op == 0x88;
          stack_.push_back(v);
          break;
        }
        case 'J': push_int(static_cast<int32_t>(uint_le(4))); break;
        case 'K': push_int(static_cast<int64_t>(uint_le(1))); break;
        case 'M': push_int(static_cast<int64_t>(uint_le(2))); break;
        case 0x8a: {                                       // LONG1
          const auto n = static_cast<std::size_t>(uint_le(1));
          if (n > 8) {  // the legacy magic number: keep it as an opaque value
            skip(n);
            push_int(0);
          } else {
            uint64_t u = n ? uint_le(n) : 0;
            if (n && n < 8 && (u >> (8 * n - 1)) & 1) u |= ~uint64_t(0) << (8 * n);  // sign-extend
            push_int(static_cast<int64_t>(u));
          }
          break;
        }
        case 'G': {                                        // BINFLOAT, big-endian
          uint64_t u = 0;
          for (int k = 0; k < 8; ++k) u = (u << 8) | static_cast<unsigned char>(byte());
          auto v = make(Value::Kind::Float);
          std::memcpy(&v->f, &u, sizeof u);
          stack_.push_back(v);
          break;
        }
        case 'X': push_string(uint_le(4)); break;          // BINUNICODE
        case 0x8c: push_string(uint_le(1)); break;         // SHORT_BINUNICODE
        case 'T': push_string(uint_le(4)); break;          // BINSTRING
        case 'U': push_string(uint_le(1)); break;          // SHORT_BINSTRING
        case 'q': memo(uint_le(1)); break;                 // BINPUT
        case 'r': memo(uint_le(4)); break;                 // LONG_BINPUT
        case 0x94: memo(memo_.size()); break;              // MEMOIZE
        case 'h': stack_.push_back(memo_at(uint_le(1))); break;
        case 'j': stack_.push_back(memo_at(uint_le(4))); break;
        case 't': { auto v = make(Value::Kind::Tuple); v->items = pop_to_mark(); stack_.push_back(v); break; }
        case 0x85: case 0x86: case 0x87: {                 // TUPLE1..3
          auto v = make(Value::Kind::Tuple);
          v->items.resize(op - 0x84);
          for (auto it = v->items.rbegin(); it != v->items.rend(); ++it) *it = pop();
          stack_.push_back(v);
          break;
        }
        case 'l': { auto v = make(Value::Kind::List); v->items = pop_to_mark(); stack_.push_back(v); break; }
        case 'a': { auto item = pop(); top(Value::Kind::List)->items.push_back(item); break; }
        case 'e': { auto items = pop_to_mark(); auto& l = top(Value::Kind::List)->items; l.insert(l.end(), items.begin(), items.end()); break; }
        case 'd': { auto items = pop_to_mark(); auto v = make(Value::Kind::Dict); add_pairs(v, items); stack_.push_back(v); break; }
        case 's': { auto val = pop(); auto key = pop(); top(Value::Kind::Dict)->dict.emplace_back(key, val); break; }
        case 'u': { auto items = pop_to_mark(); add_pairs(top(Value::Kind::Dict), items); break; }
        case 'c': {                                        // GLOBAL
          auto v = make(Value::Kind::Global);
          const std::string module = line();  // two statements: operands of + are unsequenced
          v->s = module + "." + line();
          stack_.push_back(v);
          break;
        }
        case 'Q': stack_.push_back(persistent(pop())); break;  // BINPERSID
        case 'R': { auto args = pop(); auto fn = pop(); stack_.push_back(reduce(fn, args)); break; }
        case 'b': pop(); break;                            // BUILD: state of OrderedDict (_metadata): not needed
        case '0': pop(); break;                            // POP
        default:
          throw Error("unsupported pickle opcode 0x" + hex(op) + " (not a plain state dict)");
      }
    }
  }

 private:
  const char* p_;
  const char* end_;
  std::vector<ValuePtr> created_;  // every value, to break cycles at the end
  std::vector<ValuePtr> stack_;
  std::map<uint64_t, ValuePtr> memo_;

  ValuePtr make(Value::Kind k) {
    created_.push_back(impasto::make(k));
    return created_.back();
  }
  char byte() {
    if (p_ >= end_) throw Error("the file ends in the middle of its data (truncated?)");
    return *p_++;
  }
  void skip(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) throw Error("the file ends in the middle of its data (truncated?)");
    p_ += n;
  }
  uint64_t uint_le(int n) {
    uint64_t u = 0;
    for (int k = 0; k < n; ++k) u |= static_cast<uint64_t>(static_cast<unsigned char>(byte())) << (8 * k);
    return u;
  }
  std::string line() {
    std::string s;
    for (char c = byte(); c != '\n'; c = byte()) s += c;
    return s;
  }
  static std::string hex(unsigned v) {
    const char* d = "0123456789abcdef";
    return std::string{d[(v >> 4) & 15], d[v & 15]};
  }
  void push_int(int64_t i) {
    auto v = make(Value::Kind::Int);
    v->i = i;
    stack_.push_back(v);
  }
  void push_string(uint64_t n) {
    if (n > static_cast<uint64_t>(end_ - p_)) throw Error("a string runs past the end of the file (truncated?)");
    auto v = make(Value::Kind::String);
    v->s.assign(p_, n);
    p_ += n;
    stack_.push_back(v);
  }
  ValuePtr pop() {
    if (stack_.empty()) throw Error("malformed pickle (stack underflow)");
    auto v = stack_.back();
    stack_.pop_back();
    return v;
  }
  ValuePtr top(Value::Kind k) {
    if (stack_.empty() || stack_.back()->kind != k) throw Error("malformed pickle (unexpected object)");
    return stack_.back();
  }
  std::vector<ValuePtr> pop_to_mark() {
    std::vector<ValuePtr> items;
    for (;;) {
      auto v = pop();
      if (v->kind == Value::Kind::Mark) break;
      items.push_back(v);
    }
    return {items.rbegin(), items.rend()};
  }
  void add_pairs(const ValuePtr& dict, const std::vector<ValuePtr>& items) {
    if (items.size() % 2) throw Error("malformed pickle (odd dict items)");
    for (std::size_t k = 0; k < items.size(); k += 2) dict->dict.emplace_back(items[k], items[k + 1]);
  }
  void memo(uint64_t index) {
    if (stack_.empty()) throw Error("malformed pickle (memo of nothing)");
    memo_[index] = stack_.back();
  }
  ValuePtr memo_at(uint64_t index) {
    auto it = memo_.find(index);
    if (it == memo_.end()) throw Error("malformed pickle (unknown memo)");
    return it->second;
  }

  ValuePtr persistent(const ValuePtr& pid) {
    // ('storage', torch.FloatStorage, key, location, numel[, view_metadata])
    if (pid->kind != Value::Kind::Tuple || pid->items.size() < 5 || pid->items[0]->s != "storage" ||
        pid->items[1]->kind != Value::Kind::Global || pid->items[2]->kind != Value::Kind::String ||
        pid->items[4]->kind != Value::Kind::Int)
      throw Error("unsupported persistent object (not a tensor storage)");
    auto v = make(Value::Kind::Storage);
    v->storage.dtype = storage_dtype(pid->items[1]->s);
    v->storage.key = pid->items[2]->s;
    v->storage.numel = pid->items[4]->i;
    if (v->storage.numel < 0) throw Error("a storage has a negative size");
    storages.push_back(v);
    return v;
  }

  static std::vector<int64_t> ints(const ValuePtr& t) {
    if (t->kind != Value::Kind::Tuple) throw Error("malformed tensor (size or stride is not a tuple)");
    std::vector<int64_t> out;
    for (const auto& v : t->items) {
      if (v->kind != Value::Kind::Int || v->i < 0) throw Error("malformed tensor (bad size or stride)");
      out.push_back(v->i);
    }
    return out;
  }

  ValuePtr reduce(const ValuePtr& fn, const ValuePtr& args) {
    if (fn->kind != Value::Kind::Global || args->kind != Value::Kind::Tuple)
      throw Error("malformed pickle (call of a non-global)");
    const auto& a = args->items;
    if (fn->s == "collections.OrderedDict") return make(Value::Kind::Dict);
    if (fn->s == "torch._utils._rebuild_tensor_v2" || fn->s == "torch._utils._rebuild_tensor") {
      if (a.size() < 4 || a[0]->kind != Value::Kind::Storage || a[1]->kind != Value::Kind::Int)
        throw Error("malformed tensor record");
      auto v = make(Value::Kind::Tensor);
      v->tensor.storage_key = a[0]->storage.key;
      v->tensor.offset = a[1]->i;
      v->tensor.size = ints(a[2]);
      v->tensor.stride = ints(a[3]);
      if (v->tensor.size.size() != v->tensor.stride.size()) throw Error("malformed tensor (size and stride differ)");
      int64_t last = v->tensor.offset;
      for (std::size_t k = 0; k < v->tensor.size.size(); ++k)
        if (v->tensor.size[k] > 0) last += (v->tensor.size[k] - 1) * v->tensor.stride[k];
      if (last >= a[0]->storage.numel && !v->tensor.size.empty()) throw Error("a tensor reaches past its storage");
      return v;
    }
    if (fn->s == "torch._utils._rebuild_parameter") {
      if (a.empty() || a[0]->kind != Value::Kind::Tensor) throw Error("malformed parameter record");
      return a[0];
    }
    // Nothing else is ever called: a state dict needs nothing else, and any
    // other global could run arbitrary code in Python's own unpickler.
    throw Error("the file asks to call " + fn->s + ", which a plain state dict never does; refusing to load it");
  }
};

std::vector<char> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open the file");
  return std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void collect(const ValuePtr& v, const std::string& prefix, const std::map<std::string, torch::Tensor>& storages,
             std::map<std::string, torch::Tensor>& out, int depth = 0) {
  if (v->kind == Value::Kind::Dict) {
    // State dicts nest a few levels; deeper means a hostile file, possibly
    // a dict that contains itself.
    if (depth > 32) throw Error("its dicts nest too deeply (or contain themselves)");
    for (const auto& [k, val] : v->dict) {
      if (k->kind != Value::Kind::String) continue;
      collect(val, prefix.empty() ? k->s : prefix + "." + k->s, storages, out, depth + 1);
    }
  } else if (v->kind == Value::Kind::Tensor) {
    const auto& t = v->tensor;
    auto s = storages.find(t.storage_key);
    if (s == storages.end()) throw Error("the tensor \"" + prefix + "\" has no data");
    out[prefix] = s->second.as_strided(t.size, t.stride, t.offset).clone();
  }
}

ValuePtr checked_root(const ValuePtr& root) {
  if (root->kind != Value::Kind::Dict) throw Error("the file does not hold a dict of tensors");
  return root;
}

std::map<std::string, torch::Tensor> read_zip(const std::string& path, const std::vector<char>& bytes) {
  caffe2::serialize::PyTorchStreamReader reader(path);
  auto [data, size] = reader.getRecord("data.pkl");
  Unpickler u(static_cast<const char*>(data.get()), size);
  auto root = checked_root(u.load());
  std::map<std::string, torch::Tensor> storages;
  for (const auto& s : u.storages) {
    if (storages.count(s->storage.key)) continue;
    const std::string record = "data/" + s->storage.key;
    if (!reader.hasRecord(record)) throw Error("the storage " + record + " is missing");
    auto [sdata, ssize] = reader.getRecord(record);
    const auto bytes_needed = static_cast<std::size_t>(s->storage.numel) * c10::elementSize(s->storage.dtype);
    if (ssize < bytes_needed) throw Error("the storage " + record + " is shorter than declared");
    auto t = torch::empty({s->storage.numel}, s->storage.dtype);
    std::memcpy(t.data_ptr(), sdata.get(), bytes_needed);
    storages[s->storage.key] = t;
  }
  (void)bytes;
  std::map<std::string, torch::Tensor> out;
  collect(root, "", storages, out);
  return out;
}

std::map<std::string, torch::Tensor> read_legacy(const std::vector<char>& bytes) {
  // magic number, protocol version, system info, the object, storage keys,
  // then each storage as an int64 element count and its raw data.
  const char* base = bytes.data();
  std::size_t offset = 0;
  std::vector<std::unique_ptr<Unpickler>> pickles;  // alive until the values are used
  auto next_pickle = [&]() {
    pickles.push_back(std::make_unique<Unpickler>(base + offset, bytes.size() - offset));
    auto& u = *pickles.back();
    auto v = u.load();
    offset += u.consumed(base + offset);
    return std::make_pair(v, u.storages);
  };
  next_pickle();  // magic
  next_pickle();  // protocol version
  next_pickle();  // sys info
  auto [root, storages_seen] = next_pickle();
  checked_root(root);
  auto [keys, unused] = next_pickle();
  if (keys->kind != Value::Kind::List) throw Error("malformed legacy checkpoint (no storage list)");
  std::map<std::string, StorageRef> refs;
  for (const auto& s : storages_seen) refs[s->storage.key] = s->storage;
  std::map<std::string, torch::Tensor> storages;
  for (const auto& k : keys->items) {
    auto ref = refs.find(k->s);
    if (ref == refs.end()) throw Error("malformed legacy checkpoint (unknown storage " + k->s + ")");
    if (bytes.size() - offset < 8) throw Error("the file ends in the middle of its data (truncated?)");
    int64_t numel = 0;
    std::memcpy(&numel, base + offset, 8);
    offset += 8;
    const auto size = static_cast<std::size_t>(numel) * c10::elementSize(ref->second.dtype);
    if (numel != ref->second.numel || bytes.size() - offset < size)
      throw Error("the file ends in the middle of its data (truncated?)");
    auto t = torch::empty({numel}, ref->second.dtype);
    std::memcpy(t.data_ptr(), base + offset, size);
    offset += size;
    storages[k->s] = t;
  }
  std::map<std::string, torch::Tensor> out;
  collect(root, "", storages, out);
  return out;
}

void check_pickle_framing(const char* data, std::size_t size) {
  // Every opcode of pickle protocols 0-5 by the size of its argument, so a
  // hostile length is caught here and never reaches an allocation.
  std::size_t p = 0;
  const auto need = [&](std::size_t n) {
    if (size - p < n) throw Error("a pickle runs past the end of its record (truncated or corrupt?)");
  };
  const auto uint_le = [&](int n) {
    need(static_cast<std::size_t>(n));
    uint64_t u = 0;
    for (int k = 0; k < n; ++k) u |= static_cast<uint64_t>(static_cast<unsigned char>(data[p + k])) << (8 * k);
    p += static_cast<std::size_t>(n);
    return u;
  };
  const auto line = [&] {
    while (p < size && data[p] != '\n') ++p;
    need(1);
    ++p;
  };
  while (p < size) {
    const auto op = static_cast<unsigned char>(data[p++]);
    switch (op) {
      case '.': return;  // STOP
      case '(': case '0': case '1': case '2': case 'N': case 'R': case 'a': case 'b': case 'd': case '}': case 'e':
      case 'l': case ']': case 'o': case 's': case 't': case ')': case 'u': case 'Q': case 0x81: case 0x85: case 0x86:
      case 0x87: case 0x88: case 0x89: case 0x8f: case 0x90: case 0x91: case 0x92: case 0x93: case 0x94: case 0x97:
      case 0x98:
        break;
      case 'K': case 'q': case 'h': case 0x80: case 0x82: uint_le(1); break;
      case 'M': case 0x83: uint_le(2); break;
      case 'J': case 'r': case 'j': case 0x84: uint_le(4); break;
      case 'G': uint_le(8); break;
      case 0x95: need(uint_le(8)); break;  // FRAME: its length must be there
      case 'U': case 'C': case 0x8c: case 0x8a: { const auto n = uint_le(1); need(n); p += n; break; }
      case 'T': case 'X': case 'B': case 0x8b: { const auto n = uint_le(4); need(n); p += n; break; }
      case 0x8d: case 0x8e: case 0x96: { const auto n = uint_le(8); need(n); p += n; break; }
      case 'I': case 'L': case 'F': case 'S': case 'V': case 'P': case 'g': case 'p': line(); break;
      case 'c': case 'i': line(); line(); break;
      default: throw Error("a pickle holds an unknown opcode (corrupt?)");
    }
  }
  throw Error("a pickle has no end (truncated or corrupt?)");
}

}  // namespace

std::map<std::string, torch::Tensor> read_torch_state_dict(const std::string& path) {
  try {
    auto bytes = read_all(path);
    if (bytes.size() >= 2 && bytes[0] == 'P' && bytes[1] == 'K') return read_zip(path, bytes);
    if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x80) return read_legacy(bytes);
    throw Error("it is not a PyTorch checkpoint");
  } catch (const Error& e) {
    throw Error("Cannot read the PyTorch checkpoint \"" + path + "\": " + e.what());
  } catch (const c10::Error& e) {
    throw Error("Cannot read the PyTorch checkpoint \"" + path + "\": " + e.what_without_backtrace());
  }
}

void check_archive_pickles(const std::string& path) {
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    for (const auto& name : reader.getAllRecords()) {
      if (name.size() < 4 || (name.compare(name.size() - 4, 4, ".pkl") != 0 && name.find("debug_pkl") == std::string::npos))
        continue;
      auto [data, size] = reader.getRecord(name);
      try {
        check_pickle_framing(static_cast<const char*>(data.get()), size);
      } catch (const Error& e) {
        throw Error(name + ": " + e.what());
      }
    }
  } catch (const Error& e) {
    throw Error("The archive \"" + path + "\" is damaged: " + e.what());
  } catch (const c10::Error& e) {
    throw Error("The archive \"" + path + "\" is damaged: " + e.what_without_backtrace());
  }
}

}  // namespace impasto
