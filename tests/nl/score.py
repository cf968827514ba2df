"""Scores the built-in natural-language engine on tests/nl/questions.tsv: each question's generated SQL and
its gold SQL run on the same server over the same data (the standard workload, ending now), and the
question counts as correct when both give the same rows (numbers within 1e-6 relative; order compared
only when the gold SQL orders). Prints the score per kind and in all, and the p50 / p99 time from question
to SQL.

    python3 tests/nl/score.py PATH/TO/aurora [--min-accuracy 0.9] [--show-failures] [--questions FILE]

Exits 1 when the accuracy is below --min-accuracy or the p50 is 20 ms or more.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from server_harness import Server  # noqa: E402


def load_questions(path):
    """Lines of kind<TAB>question<TAB>SQL, or question<TAB>SQL; # starts a comment."""
    out = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) == 2:
                fields.insert(0, "question")
            kind, question, sql = fields
            out.append((kind, question, sql))
    return out


def normalize(value):
    if isinstance(value, str):
        try:
            return float(value) if any(c in value for c in ".e") or value.lstrip("-").isdigit() else value
        except ValueError:
            return value
    if value is None:
        return None
    return float(value)


def same_value(a, b, tolerance=1e-6):
    a, b = normalize(a), normalize(b)
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) and math.isnan(b):
            return True
        return abs(a - b) <= tolerance * max(1.0, abs(a), abs(b))
    return a == b


def same_sql(a, b):
    """The same statement, but for spacing, case and column aliases."""
    import re
    norm = lambda s: re.sub(r"\s+as\s+\w+", "", re.sub(r"\s+", " ", s.strip().lower()))  # noqa: E731
    return norm(a) == norm(b)


def same_rows(gold, got, ordered, tolerance=1e-6):
    if len(gold) != len(got):
        return False
    if any(len(g) != len(r) for g, r in zip(gold, got)):
        return False
    if not ordered:
        key = lambda row: [str(normalize(v)) for v in row]  # noqa: E731
        gold, got = sorted(gold, key=key), sorted(got, key=key)
    return all(same_value(a, b, tolerance) for g, r in zip(gold, got) for a, b in zip(g, r))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("aurora")
    ap.add_argument("--rows", type=int, default=200000)
    ap.add_argument("--min-accuracy", type=float, default=0.9)
    ap.add_argument("--show-failures", action="store_true")
    ap.add_argument("--questions", default=os.path.join(HERE, "questions.tsv"), help="another question set")
    args = ap.parse_args()
    questions = load_questions(args.questions)
    with tempfile.TemporaryDirectory(prefix="aurora-nl-") as data:
        subprocess.run([args.aurora, "demo", "--data", data, "--rows", str(args.rows), "--days", "60", "--recent"],
                       check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(HERE, "semantic.sql")) as f:
            text = "\n".join(line for line in f.read().splitlines() if not line.startswith("--"))
        for st in [x.strip() for x in text.split(";") if x.strip()]:
            subprocess.run([args.aurora, "sql", "--data", data, "-q", st], check=True, stdout=subprocess.DEVNULL)
        asked = subprocess.run([args.aurora, "ask", "--data", data, "--lines"], check=True, capture_output=True,
                               text=True, input="\n".join(q for _, q, _ in questions) + "\n").stdout
        answers = [json.loads(line) for line in asked.splitlines()]
        assert len(answers) == len(questions), (len(answers), len(questions))
        with Server(args.aurora, data_dir=data) as s:
            def run(sql):
                r = s.request("POST", "/v1/sql", body=json.dumps({"query": sql, "format": "JSONCompact"}),
                              headers={"Content-Type": "application/json"})
                return r.json().get("data") if r.status == 200 else None
            by_kind = {}
            failures = []
            for (kind, question, gold_sql), a in zip(questions, answers):
                gold = run(gold_sql)
                assert gold is not None, f"gold SQL fails: {gold_sql}"
                ok = False
                if a.get("answered") and same_sql(a["sql"], gold_sql):
                    ok = True  # identical statements (sampled quantiles differ from run to run)
                elif a.get("answered"):
                    got = run(a["sql"])
                    ordered = " ORDER BY " in gold_sql.upper()
                    # quantile and median sample their input: two runs agree only roughly.
                    sampled = "quantile(" in gold_sql or "median(" in gold_sql
                    ok = got is not None and same_rows(gold, got, ordered, 0.05 if sampled else 1e-6)
                total, right = by_kind.get(kind, (0, 0))
                by_kind[kind] = (total + 1, right + (1 if ok else 0))
                if not ok:
                    failures.append((question, gold_sql, a.get("sql") if a.get("answered") else "(not answered: "
                                     + "; ".join(a.get("suggestions", []) or [a.get("error", "")]) + ")"))
    total = sum(t for t, _ in by_kind.values())
    right = sum(r for _, r in by_kind.values())
    micros = sorted(a["micros"] for a in answers)
    p50 = statistics.median(micros) / 1000
    p99 = micros[min(len(micros) - 1, int(len(micros) * 0.99))] / 1000
    print(f"{'kind':<12} {'right':>5} / {'all':<5}")
    for kind, (t, r) in sorted(by_kind.items()):
        print(f"{kind:<12} {r:>5} / {t:<5}")
    accuracy = right / total
    print(f"accuracy {right}/{total} = {accuracy:.1%}; question to SQL p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    if args.show_failures:
        for q, gold, got in failures:
            print(f"\nQ: {q}\n  gold: {gold}\n  got:  {got}")
    ok = accuracy >= args.min_accuracy and p50 < 20
    if not ok:
        print(f"FAIL: below {args.min_accuracy:.0%} correct, or p50 not under 20 ms")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
