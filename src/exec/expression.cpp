#include "exec/expression.h"

#include <charconv>
#include <cmath>

#include "common/query_error.h"
#include "function/numeric.h"
#include "types/text_format.h"

namespace aurora::exec {

BoundExprPtr BoundExpr::Input(size_t index, DataTypePtr type, std::string text) {
  auto e = std::make_shared<BoundExpr>();
  e->kind = Kind::kInput;
  e->input = index;
  e->type = std::move(type);
  e->text = std::move(text);
  return e;
}

BoundExprPtr BoundExpr::Constant(Value v, DataTypePtr type, std::string text) {
  auto e = std::make_shared<BoundExpr>();
  e->kind = Kind::kConstant;
  e->constant = std::move(v);
  e->type = std::move(type);
  e->text = std::move(text);
  return e;
}

ColumnPtr ConstantColumn(const DataTypePtr& type, const Value& v) {
  auto c = std::make_shared<Column>(type);
  if (!c->AppendValue(v))
    throw QueryError(ErrorCode::kInternal, "constant does not fit its type " + type->Name());
  return c;
}

ColumnPtr Materialize(const function::Datum& d, size_t rows) {
  if (!d.is_const) return d.column;
  auto out = std::make_shared<Column>(d.column->type());
  if (out->layout().kind == ColumnLayout::Kind::kDictionary) out->SetDictionary(d.column->dictionary());
  out->Reserve(rows);
  std::vector<uint32_t> zeros(std::min<size_t>(rows, 8192), 0);
  for (size_t done = 0; done < rows;) {
    size_t n = std::min(rows - done, zeros.size());
    out->AppendGather(*d.column, zeros.data(), n);
    done += n;
  }
  return out;
}

function::Datum Evaluate(const BoundExpr& e, const Chunk& chunk, const function::FunctionContext& ctx) {
  switch (e.kind) {
    case BoundExpr::Kind::kInput:
      return {chunk.columns[e.input], false};
    case BoundExpr::Kind::kConstant:
      return function::Datum::Const(ConstantColumn(e.type, e.constant));
    case BoundExpr::Kind::kFunction: {
      std::vector<function::Datum> args;
      args.reserve(e.args.size());
      bool all_const = true;
      for (const auto& a : e.args) {
        args.push_back(Evaluate(*a, chunk, ctx));
        all_const = all_const && args.back().is_const;
      }
      size_t rows = all_const ? 1 : chunk.num_rows;
      ColumnPtr out = e.function.kernel(args, rows, ctx);
      return {out, all_const};
    }
    case BoundExpr::Kind::kCast: {
      function::Datum in = Evaluate(*e.args[0], chunk, ctx);
      return {CastColumn(*in.column, e.type), in.is_const};
    }
  }
  throw QueryError(ErrorCode::kInternal, "bad expression");
}

namespace {

[[noreturn]] void CannotCast(const Column& in, size_t i, const DataTypePtr& to) {
  std::string text;
  FormatText(in, i, &text);
  throw QueryError(ErrorCode::kInvalidArgument,
                   fmt::format("cannot convert '{}' of type {} to {}", text, in.type()->Name(), to->Name()));
}

}  // namespace

ColumnPtr CastColumn(const Column& in, const DataTypePtr& to) {
  const size_t n = in.size();
  const DataType& from_base = in.type()->Base();
  const DataType& to_base = to->Base();
  auto out = std::make_shared<Column>(to);
  if (to_base.id() == TypeId::kArray) {
    if (from_base.id() != TypeId::kArray)
      throw QueryError(ErrorCode::kInvalidArgument,
                       fmt::format("cannot convert {} to {}", in.type()->Name(), to->Name()));
    // Element by element: offsets stay, the child column converts.
    ColumnPtr elements = CastColumn(in.child(), to_base.nested());
    out->mutable_child().AppendRange(*elements, 0, elements->size());
    out->offsets.append(in.offsets.data(), n);
    out->SetSizeUnsafe(n);
    return out;
  }
  if (from_base.id() == TypeId::kArray && to_base.id() != TypeId::kString)
    throw QueryError(ErrorCode::kInvalidArgument,
                     fmt::format("cannot convert {} to {}", in.type()->Name(), to->Name()));
  if (!to->IsNullable() && in.HasNulls()) {
    for (size_t i = 0; i < n; ++i)
      if (in.IsNull(i))
        throw QueryError(ErrorCode::kInvalidArgument,
                         fmt::format("cannot convert NULL to {} (not Nullable)", to->Name()));
  }
  // Strings to strings.
  if (from_base.id() == TypeId::kString && to_base.id() == TypeId::kString) {
    out->AppendRange(in, 0, n);
    if (!to->IsNullable()) out->nulls.clear();
    return out;
  }
  // Times to times, vectorized: rescale instants through whole seconds (floor), then the target's ticks.
  if (from_base.IsTime() && to_base.IsTime() && in.layout().kind == ColumnLayout::Kind::kFixed) {
    const int64_t secs_from = from_base.id() == TypeId::kDate ? 86400 : 1;
    const int64_t tf = in.type()->TicksPerSecond(), tt = to->TicksPerSecond();
    const bool to_date = to_base.id() == TypeId::kDate;
    out->data.resize(n * out->layout().width);
    function::DispatchFixed(in.layout().value_id, [&](auto from_tag) {
      using F = decltype(from_tag);
      const F* x = in.Data<F>();
      function::DispatchFixed(out->layout().value_id, [&](auto to_tag) {
        using T = decltype(to_tag);
        T* o = out->MutableData<T>();
        for (size_t i = 0; i < n; ++i) {
          const int64_t v = static_cast<int64_t>(x[i]) * secs_from;
          int64_t secs = v / tf, rem = v - secs * tf;
          if (rem < 0) {
            --secs;
            rem += tf;
          }
          int64_t ticks;
          if (to_date) {
            ticks = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
          } else if (__builtin_mul_overflow(secs, tt, &ticks) ||
                     __builtin_add_overflow(ticks, rem * tt / tf, &ticks)) {
            throw QueryError(ErrorCode::kInvalidArgument,
                             fmt::format("cannot convert {} to {}: the time is out of its range",
                                         in.type()->Name(), to->Name()));
          }
          o[i] = static_cast<T>(ticks);
        }
      });
    });
    out->SetSizeUnsafe(n);
    if (to->IsNullable() && !in.nulls.empty()) out->nulls = in.nulls;
    return out;
  }
  out->Reserve(n);
  const bool to_nullable = to->IsNullable();
  for (size_t i = 0; i < n; ++i) {
    if (in.IsNull(i)) {
      out->AppendNull();
      continue;
    }
    if (to_base.id() == TypeId::kString) {
      std::string text;
      FormatText(in, i, &text);
      out->AppendString(text);
      continue;
    }
    Value v = in.ValueAt(i);
    // Times to times: rescale instants.
    if (from_base.IsTime() && to_base.IsTime()) {
      int64_t x = std::get<int64_t>(v);
      int64_t secs_from = from_base.id() == TypeId::kDate ? 86400 : 1;
      int64_t tf = in.type()->TicksPerSecond(), tt = to->TicksPerSecond();
      // Seconds first (exact for every supported unit), then the target's ticks.
      int64_t secs = x * secs_from / tf;
      int64_t rem = x * secs_from - secs * tf;  // sub-second ticks of the source
      if (rem < 0) {
        --secs;
        rem += tf;
      }
      int64_t ticks = to_base.id() == TypeId::kDate ? (secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400))
                                                    : secs * tt + rem * tt / tf;
      out->AppendInt(ticks);
      continue;
    }
    if (auto* s = std::get_if<std::string>(&v)) {
      auto conv = ConvertValue(*to, Value{*s});
      if (!conv.ok()) {
        // Numbers written as text with a fraction ("1.5") into floats are handled by ConvertValue; the rest
        // fail.
        CannotCast(in, i, to);
      }
      out->AppendValue(*conv);
      continue;
    }
    // Numbers: wrap like ClickHouse (static_cast through the target width).
    if (to_base.IsFloat()) {
      double d = std::holds_alternative<double>(v)    ? std::get<double>(v)
                 : std::holds_alternative<int64_t>(v) ? static_cast<double>(std::get<int64_t>(v))
                                                      : static_cast<double>(std::get<uint64_t>(v));
      out->AppendFloat(d);
    } else if (auto* d = std::get_if<double>(&v)) {
      if (!std::isfinite(*d)) CannotCast(in, i, to);
      out->AppendInt(static_cast<int64_t>(*d));
    } else if (auto* x = std::get_if<int64_t>(&v)) {
      out->AppendInt(*x);
    } else {
      out->AppendUInt(std::get<uint64_t>(v));
    }
  }
  (void)to_nullable;
  return out;
}

}  // namespace aurora::exec
