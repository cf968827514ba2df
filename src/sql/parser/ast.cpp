#include "sql/parser/ast.h"

#include <fmt/format.h>

#include "common/strings.h"
#include "sql/parser/parser.h"

namespace aurora::sql {

namespace {

std::string Name(const std::string& n) {
  bool plain = !n.empty() && (std::isalpha(static_cast<unsigned char>(n[0])) || n[0] == '_');
  for (char c : n) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (plain && !IsReservedWord(n)) return n;
  std::string out = "`";
  for (char c : n) {
    if (c == '`' || c == '\\') out += '\\';
    out += c;
  }
  return out + "`";
}

std::string List(const std::vector<ExprPtr>& items, bool with_alias = false) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += items[i]->ToString();
    if (with_alias && !items[i]->alias.empty()) out += " AS " + Name(items[i]->alias);
  }
  return out;
}

}  // namespace

std::string Expr::ToString() const {
  switch (kind) {
    case ExprKind::kLiteral:
      switch (literal_type) {
        case LiteralType::kNull:
          return "NULL";
        case LiteralType::kBool:
          return std::get<int64_t>(literal) ? "true" : "false";
        case LiteralType::kString:
          return QuoteString(std::get<std::string>(literal));
        case LiteralType::kFloat:
          return fmt::format("{}", std::get<double>(literal));
        case LiteralType::kInteger:
          return ValueToString(literal);
      }
      return "";
    case ExprKind::kColumn: {
      std::string out;
      for (size_t i = 0; i < name.size(); ++i) out += (i ? "." : "") + Name(name[i]);
      return out;
    }
    case ExprKind::kStar:
      return name.empty() ? "*" : Name(name[0]) + ".*";
    case ExprKind::kFunction: {
      std::string out = function;
      if (!params.empty()) out += "(" + List(params) + ")";
      out += "(";
      if (distinct) out += "DISTINCT ";
      out += List(args, true) + ")";
      return out;
    }
    case ExprKind::kCast:
      return fmt::format("CAST({} AS {})", args[0]->ToString(), type_name);
    case ExprKind::kParameter:
      return fmt::format("{{{}:{}}}", name[0], name[1]);
    case ExprKind::kSubquery:
      return "(" + subquery->ToString() + ")";
    case ExprKind::kLambda: {
      std::string ps;
      for (size_t i = 0; i < name.size(); ++i) ps += (i ? ", " : "") + name[i];
      return (name.size() == 1 ? ps : "(" + ps + ")") + " -> " + args[0]->ToString();
    }
  }
  return "";
}

std::string TableRef::ToString() const {
  std::string out = subquery ? "(" + subquery->ToString() + ")"
                             : (database.empty() ? "" : Name(database) + ".") + Name(table);
  if (!alias.empty()) out += " AS " + Name(alias);
  return out;
}

std::string SelectQuery::ToString() const {
  std::string out;
  if (!ctes.empty() || !with_exprs.empty()) {
    out += "WITH ";
    bool first = true;
    for (const auto& [n, q] : ctes) {
      out += (first ? "" : ", ") + Name(n) + " AS (" + q->ToString() + ")";
      first = false;
    }
    for (const auto& e : with_exprs) {
      out += (first ? "" : ", ") + e->ToString() + " AS " + Name(e->alias);
      first = false;
    }
    out += " ";
  }
  out += "SELECT ";
  if (distinct) out += "DISTINCT ";
  out += List(columns, true);
  if (from) out += " FROM " + from->ToString();
  for (const auto& j : joins) {
    out += j.kind == Join::Kind::kLeft ? " LEFT JOIN " : " INNER JOIN ";
    out += j.right.ToString();
    if (j.on) {
      out += " ON " + j.on->ToString();
    } else {
      out += " USING (";
      for (size_t i = 0; i < j.using_columns.size(); ++i) out += (i ? ", " : "") + Name(j.using_columns[i]);
      out += ")";
    }
  }
  if (where) out += " WHERE " + where->ToString();
  if (!group_by.empty()) out += " GROUP BY " + List(group_by);
  if (having) out += " HAVING " + having->ToString();
  if (!order_by.empty()) {
    out += " ORDER BY ";
    for (size_t i = 0; i < order_by.size(); ++i) {
      out += (i ? ", " : "") + order_by[i].expr->ToString() + (order_by[i].descending ? " DESC" : " ASC");
      if (order_by[i].nulls_first) out += *order_by[i].nulls_first ? " NULLS FIRST" : " NULLS LAST";
    }
  }
  if (!limit_by.empty()) {
    out += " LIMIT " + limit_by_limit->ToString();
    if (limit_by_offset) out += " OFFSET " + limit_by_offset->ToString();
    out += " BY " + List(limit_by);
  }
  if (limit) out += " LIMIT " + limit->ToString();
  if (offset) out += " OFFSET " + offset->ToString();
  if (!settings.empty()) {
    out += " SETTINGS ";
    for (size_t i = 0; i < settings.size(); ++i)
      out += (i ? ", " : "") + settings[i].name + " = " + settings[i].value->ToString();
  }
  for (const auto& u : union_all) out += " UNION ALL " + u->ToString();
  return out;
}

}  // namespace aurora::sql
