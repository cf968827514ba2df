// Hash functions (xxHash, seed 0), as ClickHouse computes them for one argument:
//   xxHash64(x) UInt64, xxHash32(x) UInt32
// Strings hash their bytes; numbers, dates and times hash the little-endian bytes of their stored value
// (so xxHash64(1) hashes one byte, the literal being UInt8). ClickHouse's cityHash64 and sipHash64 are
// not provided: xxHash64 serves the same purposes.
#include <xxhash.h>

#include "function/kernel_io.h"

namespace aurora::function {

namespace {

template <typename H>
void RegisterXxHash(FunctionRegistry& r, const char* name, TypeId id) {
  r.Register(name, [name, id](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    if (args.size() != 1 || args[0]->IsInterval())
      return AURORA_ERROR(kInvalidArgument, "no function {}: {} takes one string, number, date or time",
                          Signature(name, args), name);
    DataTypePtr result = NullableIfAny(DataType::Make(id), args);
    return BoundScalar{
        name, result, [result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
          auto hash = [](const void* p, size_t n) -> H {
            if constexpr (sizeof(H) == 8)
              return XXH64(p, n, 0);
            else
              return XXH32(p, n, 0);
          };
          const Column& c = *in[0].column;
          if (c.layout().value_id == TypeId::kString)
            return MapStringsTo<H>(in[0], rows, result,
                                   [&](std::string_view s) { return hash(s.data(), s.size()); });
          ColumnPtr out = NewFixedColumn(result, rows);
          H* o = out->template MutableData<H>();
          const size_t w = c.layout().width;
          for (size_t i = 0; i < rows; ++i) o[i] = hash(c.data.data() + in[0].RowIndex(i) * w, w);
          MergeNulls(in, rows, out.get());
          return out;
        }};
  });
}

}  // namespace

void RegisterHash(FunctionRegistry& r) {
  RegisterXxHash<uint64_t>(r, "xxHash64", TypeId::kUInt64);
  RegisterXxHash<uint32_t>(r, "xxHash32", TypeId::kUInt32);
}

}  // namespace aurora::function
