#!/usr/bin/python3
"""Runs clang-tidy (.clang-tidy) over every translation unit under src/; any finding fails.

    scripts/tidy.py [-j JOBS] [-p BUILD_DIR] [--cache-dir DIR] [FILE.cpp ...]

Needs a configured build for its compile_commands.json (default build/release: `cmake --preset
release`). FILEs limit the run to those translation units (TUs).

A TU that came out clean is remembered in the cache (--cache-dir, default $FACELOOP_TIDY_CACHE or
~/.cache/faceloop-tidy) under a SHA-256 of everything its result depends on: clang-tidy's version,
the .clang-tidy files, the TU's compile command, and the content of the TU and of every header under
the repository it includes (clang-scan-deps lists them, as clang-tidy's own front end would find
them). System headers count by path, size and modification time, which a package upgrade changes. A
TU whose key has a clean record is skipped. Paths are hashed relative to the repository, so clones at
other places share the cache. Entries unused for 30 days are pruned.
Exit status: 0 when every TU is clean, 1 on findings, 2 on a usage or set-up error.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Bump when the way this script runs clang-tidy changes what a clean result means.
KEY_FORMAT = "faceloop-tidy 2"
PRUNE_AFTER_S = 30 * 24 * 3600
FINDING = re.compile(r"^(?P<where>\S+:\d+:\d+): (?:warning|error): .*?(?: \[(?P<check>[^\]]+)\])?$")


def fail(message):
    print(f"tidy.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-j", "--jobs", type=int, default=2, help="clang-tidy processes at once (default 2)")
    parser.add_argument("-p", "--build-dir", type=Path, default=ROOT / "build" / "release",
                        help="folder with compile_commands.json (default build/release)")
    default_cache = os.environ.get("FACELOOP_TIDY_CACHE") or Path.home() / ".cache" / "faceloop-tidy"
    parser.add_argument("--cache-dir", type=Path, default=Path(default_cache), help="where clean results are kept")
    parser.add_argument("files", nargs="*", type=Path, help="only these TUs (default: all under src/)")
    args = parser.parse_args()
    if args.jobs < 1:
        fail("--jobs must be at least 1")
    return args


def find_tool(*names):
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    fail(f"{names[0]} not found (scripts/setup.sh installs clang-tidy)")
    return None


def relative(path):
    """A path inside the repository as 'src/...'; others unchanged."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


class Unit:
    """One translation unit: its compile-database entry, included files and cache key."""

    def __init__(self, entry):
        self.entry = entry
        self.path = Path(entry["directory"], entry["file"]).resolve()
        self.name = relative(self.path)
        self.dependencies = None  # from clang-scan-deps; None if the scan failed
        self.key = None  # None: no safe key, so checked every time

    def words(self):
        entry = self.entry
        return entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])

    def object_file(self):
        """The -o argument as written: clang-scan-deps names each rule by it."""
        words = self.words()
        return next((words[i + 1] for i in range(len(words) - 1) if words[i] == "-o"), None)


def load_units(build_dir, only):
    database = build_dir / "compile_commands.json"
    if not database.is_file():
        fail(f"{database} not found; configure first: cmake --preset release")
    src = str(ROOT / "src") + os.sep
    # Tests, benchmarks and generated sources (under the build folder) are not checked.
    units = [u for u in map(Unit, json.loads(database.read_text())) if str(u.path).startswith(src)]
    wanted = {p.resolve() for p in only}
    if wanted:
        missing = wanted - {u.path for u in units}
        if missing:
            fail("not a TU under src/ in the compile database: " + ", ".join(sorted(map(str, missing))))
        units = [u for u in units if u.path in wanted]
    if not units:
        fail(f"no TUs under src/ in {database}")
    return units


def parse_make_rules(text):
    """Make-style rules from clang-scan-deps as {target: [prerequisites]}."""
    rules = {}
    for rule in re.split(r"\n(?=\S)", text.replace("\\\n", " ")):
        target, sep, prerequisites = rule.partition(": ")
        if sep:
            words = re.split(r"(?<!\\)\s+", prerequisites.strip())
            rules[target.strip()] = [w.replace("\\ ", " ") for w in words if w]
    return rules


def scan_dependencies(units, scan_deps, jobs, build_dir):
    """Fills each unit's included files (the TU itself among them) from one clang-scan-deps run."""
    database = build_dir / "tidy" / "compile_commands.json"
    database.parent.mkdir(exist_ok=True)
    database.write_text(json.dumps([u.entry for u in units]))
    result = subprocess.run([scan_deps, f"-compilation-database={database}", f"-j={jobs}"], capture_output=True,
                            text=True, check=False)
    rules = parse_make_rules(result.stdout)
    for unit in units:
        prerequisites = rules.get(unit.object_file() or "")
        if prerequisites:
            unit.dependencies = [str(Path(unit.entry["directory"], p).resolve()) for p in prerequisites]


class Fingerprints:
    """File fingerprints, each computed once: content for repository files, stat for the rest."""

    def __init__(self):
        self.known = {}

    def __call__(self, path):
        if path not in self.known:
            self.known[path] = self.compute(path)
        return self.known[path]

    @staticmethod
    def compute(path):
        name = relative(path)
        try:
            if not os.path.isabs(name):
                return name + " " + hashlib.sha256(Path(path).read_bytes()).hexdigest()
            stat = os.stat(path)
            return f"{name} {stat.st_size} {stat.st_mtime_ns}"
        except OSError:
            return name + " missing"


def common_key_part(clang_tidy):
    version = subprocess.run([clang_tidy, "--version"], capture_output=True, text=True, check=True).stdout
    configs = sorted(ROOT.glob(".clang-tidy")) + sorted((ROOT / "src").rglob(".clang-tidy"))
    return "\n".join([KEY_FORMAT, version] + [f"{relative(c)}\n{c.read_text()}" for c in configs])


def unit_key(unit, common, fingerprint):
    command = " ".join(w.replace(str(ROOT), ".") for w in unit.words())
    parts = [common, unit.name, command] + sorted(fingerprint(path) for path in unit.dependencies)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def assign_keys(units, common):
    fingerprint = Fingerprints()
    for unit in units:
        if unit.dependencies:
            unit.key = unit_key(unit, common, fingerprint)


def cache_record(cache_dir, unit):
    return cache_dir / unit.key[:2] / unit.key if unit.key else None


def known_clean(cache_dir, unit):
    record = cache_record(cache_dir, unit)
    if record is None or not record.exists():
        return False
    os.utime(record)  # used: keeps it from being pruned
    return True


def run_clang_tidy(clang_tidy, build_dir, unit):
    started = time.monotonic()
    # The build's flags are GCC's; clang does not know some of them (-Wno-maybe-uninitialized).
    command = [clang_tidy, "-p", str(build_dir), "--quiet", "--extra-arg=-Wno-unknown-warning-option", str(unit.path)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    output = (result.stdout + result.stderr).strip()
    # Every finding counts, whatever WarningsAsErrors says; a non-zero exit without one (a crash, a
    # bad command) fails too.
    findings = [line for line in output.splitlines() if FINDING.match(line)]
    if result.returncode != 0 and not findings:
        findings = [f"{unit.name}: clang-tidy exited with {result.returncode}"]
    return findings, output, time.monotonic() - started


def check_all(args, todo, clang_tidy, common):
    """Runs clang-tidy on the units, records the clean ones and returns all findings."""
    findings = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(run_clang_tidy, clang_tidy, args.build_dir, u): u for u in todo}
        for future in concurrent.futures.as_completed(futures):
            unit = futures[future]
            found, output, seconds = future.result()
            if found:
                print(f"--- {unit.name}: {len(found)} finding(s) in {seconds:.0f}s\n{output}\n", flush=True)
                findings += found
            # A file edited while clang-tidy ran may not be what it checked: record nothing then.
            elif unit.key and unit.key == unit_key(unit, common, Fingerprints()):
                record = cache_record(args.cache_dir, unit)
                record.parent.mkdir(parents=True, exist_ok=True)
                record.write_text(f"{unit.name} clean\n")
    return findings


def prune(cache_dir):
    cutoff = time.time() - PRUNE_AFTER_S
    for record in cache_dir.glob("*/*"):
        if record.stat().st_mtime < cutoff:
            record.unlink(missing_ok=True)


def summarize(findings):
    """Prints unique findings (a header's come once per TU that includes it) per check; returns the count."""
    unique = sorted(set(findings))
    per_check = {}
    for line in unique:
        match = FINDING.match(line)
        check = (match and match.group("check")) or "(no check named)"
        per_check[check] = per_check.get(check, 0) + 1
    for check, count in sorted(per_check.items(), key=lambda item: -item[1]):
        print(f"  {count:4d}  {check}", file=sys.stderr)
    return len(unique)


def main():
    args = parse_args()
    started = time.monotonic()
    clang_tidy = find_tool("clang-tidy-14", "clang-tidy")
    scan_deps = find_tool("clang-scan-deps-14", "clang-scan-deps")
    args.build_dir = args.build_dir.resolve()
    units = load_units(args.build_dir, args.files)
    scan_dependencies(units, scan_deps, args.jobs, args.build_dir)
    common = common_key_part(clang_tidy)
    assign_keys(units, common)
    todo = [u for u in units if not known_clean(args.cache_dir, u)]
    # The biggest first (most includes, a fair guess at the slowest), so no long one starts last.
    todo.sort(key=lambda u: -len(u.dependencies or []))
    findings = check_all(args, todo, clang_tidy, common)
    prune(args.cache_dir)
    print(f"clang-tidy: {len(units)} TUs under src/: {len(todo)} checked, {len(units) - len(todo)} skipped "
          f"(clean in the cache), in {time.monotonic() - started:.0f}s")
    if findings:
        count = summarize(findings)
        print(f"clang-tidy: {count} finding(s); fix them, or narrow .clang-tidy with a reason", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
