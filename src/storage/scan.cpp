#include "storage/scan.h"

#include <algorithm>

#include "storage/table.h"

namespace aurora::storage {

TableSnapshot::TableSnapshot(TableSchema schema, std::vector<std::shared_ptr<const Part>> parts,
                             std::vector<std::shared_ptr<const Chunk>> buffer)
    : schema_(std::move(schema)), parts_(std::move(parts)), buffer_(std::move(buffer)) {}

uint64_t TableSnapshot::num_rows() const {
  uint64_t n = 0;
  for (const auto& p : parts_) n += p->num_rows();
  for (const auto& c : buffer_) n += c->num_rows;
  return n;
}

bool RangeMayMatch(const ColumnRange& r, const Value& mn, const Value& mx) {
  if (IsNull(mn) || IsNull(mx)) return false;  // no non-NULL values: no comparison can be true
  if (!r.in_values.empty()) {
    for (const auto& v : r.in_values)
      if (CompareValues(v, mn) >= 0 && CompareValues(v, mx) <= 0) return true;
    return false;
  }
  if (r.lower) {
    int c = CompareValues(mx, *r.lower);
    if (c < 0 || (c == 0 && !r.lower_inclusive)) return false;
  }
  if (r.upper) {
    int c = CompareValues(mn, *r.upper);
    if (c > 0 || (c == 0 && !r.upper_inclusive)) return false;
  }
  return true;
}

bool RangeAlwaysMatches(const ColumnRange& r, const Value& mn, const Value& mx) {
  if (IsNull(mn) || IsNull(mx)) return false;
  if (!r.in_values.empty()) {
    if (CompareValues(mn, mx) != 0) return false;
    for (const auto& v : r.in_values)
      if (CompareValues(v, mn) == 0) return true;
    return false;
  }
  if (r.lower) {
    int c = CompareValues(mn, *r.lower);
    if (c < 0 || (c == 0 && !r.lower_inclusive)) return false;
  }
  if (r.upper) {
    int c = CompareValues(mx, *r.upper);
    if (c > 0 || (c == 0 && !r.upper_inclusive)) return false;
  }
  return true;
}

bool TableSnapshot::GranuleSatisfies(size_t part, uint32_t g, const ColumnRange& range) const {
  const Part& p = *parts_[part];
  const int ci = p.ColumnIndex(range.column);
  if (ci < 0) return false;
  const PartColumn& pc = p.columns()[ci];
  if (g >= pc.has_stats.size() || !pc.has_stats[g]) return false;
  if (g < pc.null_counts.size() && pc.null_counts[g] > 0) return false;
  return RangeAlwaysMatches(range, pc.mins[g], pc.maxs[g]);
}

ScanPlan TableSnapshot::Plan(const ScanPredicate& predicate) const {
  ScanPlan plan;
  plan.parts_total = parts_.size();
  for (size_t pi = 0; pi < parts_.size(); ++pi) {
    const Part& part = *parts_[pi];
    const size_t ng = part.num_granules();
    plan.granules_total += ng;
    // Resolve the predicate's columns in this part; a column the part lacks holds defaults only and
    // cannot be pruned on here.
    std::vector<std::pair<const ColumnRange*, const PartColumn*>> conj;
    for (const auto& r : predicate.ranges) {
      int ci = part.ColumnIndex(r.column);
      if (ci >= 0) conj.emplace_back(&r, &part.columns()[ci]);
    }
    bool part_ok = true;
    for (auto [r, pc] : conj) {
      if (pc->part_has_stats && !RangeMayMatch(*r, pc->part_min, pc->part_max)) {
        part_ok = false;
        break;
      }
    }
    if (!part_ok) {
      ++plan.parts_pruned;
      plan.granules_pruned += ng;
      continue;
    }
    // Primary index: granules [lo, hi) can hold first-key values in the range.
    size_t lo = 0, hi = ng;
    if (!part.key_columns().empty()) {
      const std::string& k0 = part.key_columns()[0];
      const auto& idx = part.primary_index();
      for (const auto& entry : conj) {
        const ColumnRange* r = entry.first;
        if (r->column != k0 || !r->in_values.empty()) continue;
        if (r->lower) {
          // Last granule whose first key is < lower (it may still hold rows >= lower).
          size_t first_ge = std::partition_point(idx.begin(), idx.end(),
                                                 [&](const std::vector<Value>& key) {
                                                   return CompareValues(key[0], *r->lower) < 0;
                                                 }) -
                            idx.begin();
          lo = std::max(lo, first_ge == 0 ? 0 : first_ge - 1);
        }
        if (r->upper) {
          size_t first_gt = std::partition_point(idx.begin(), idx.end(),
                                                 [&](const std::vector<Value>& key) {
                                                   int c = CompareValues(key[0], *r->upper);
                                                   return c < 0 || (c == 0 && r->upper_inclusive);
                                                 }) -
                            idx.begin();
          hi = std::min(hi, first_gt);
        }
      }
    }
    // Per-granule min/max.
    size_t selected_here = 0;
    bool open = false;
    GranuleRange cur{pi, 0, 0};
    for (size_t g = lo; g < hi; ++g) {
      bool ok = true;
      for (auto [r, pc] : conj) {
        if (pc->has_stats[g] && !RangeMayMatch(*r, pc->mins[g], pc->maxs[g])) {
          ok = false;
          break;
        }
      }
      if (ok) {
        ++selected_here;
        plan.rows_selected += part.granule_rows(g);
        if (open && cur.end == g) {
          cur.end = static_cast<uint32_t>(g + 1);
        } else {
          if (open) plan.ranges.push_back(cur);
          cur = {pi, static_cast<uint32_t>(g), static_cast<uint32_t>(g + 1)};
          open = true;
        }
      }
    }
    if (open) plan.ranges.push_back(cur);
    plan.granules_pruned += ng - selected_here;
    if (selected_here == 0) ++plan.parts_pruned;
  }
  return plan;
}

Result<Chunk> TableSnapshot::ReadGranule(size_t pi, uint32_t g, const std::vector<std::string>& names) const {
  const Part& part = *parts_[pi];
  Chunk out;
  const size_t rows = part.granule_rows(g);
  for (const auto& name : names) {
    const ColumnDef* def = schema_.Find(name);
    if (!def) return AURORA_ERROR(kNotFound, "table '{}' has no column '{}'", schema_.name, name);
    int ci = part.ColumnIndex(name);
    if (ci < 0) {
      out.names.push_back(name);
      out.columns.push_back(MakeDefaultColumn(def->type, rows));
      continue;
    }
    AURORA_ASSIGN_OR_RETURN(ColumnPtr col, part.ReadColumn(ci, g));
    const DataType& stored = *part.columns()[ci].type;
    if (!stored.Equals(*def->type)) {
      // Written before the column's type was widened.
      if (!CanWiden(*col->type(), *def->type))
        return AURORA_ERROR(kCorruption, "part {} stores column '{}' as {}, which cannot be read as {}",
                            part.path(), name, stored.Name(), def->type->Name());
      col = WidenColumn(col, def->type);
    }
    out.names.push_back(name);
    out.columns.push_back(std::move(col));
  }
  out.num_rows = rows;
  return out;
}

Chunk TableSnapshot::ProjectBuffer(size_t i, const std::vector<std::string>& names, size_t begin,
                                   size_t count) const {
  const Chunk& c = *buffer_[i];
  begin = std::min(begin, c.num_rows);
  count = std::min(count, c.num_rows - begin);
  const bool whole = begin == 0 && count == c.num_rows;
  Chunk out;
  out.num_rows = count;
  for (const auto& name : names) {
    int ci = c.IndexOf(name);
    out.names.push_back(name);
    const ColumnDef* def = schema_.Find(name);
    if (ci >= 0) {
      const ColumnPtr col = whole ? c.columns[ci] : c.columns[ci]->Slice(begin, count);
      // Rows appended before the column's type was widened keep their type until they are flushed.
      const bool widen = def && !col->type()->Equals(*def->type) && CanWiden(*col->type(), *def->type);
      out.columns.push_back(widen ? WidenColumn(col, def->type) : col);
    } else {
      out.columns.push_back(MakeDefaultColumn(def ? def->type : DataType::Make(TypeId::kUInt8), count));
    }
  }
  return out;
}

}  // namespace aurora::storage
