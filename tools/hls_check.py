#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# hls_check: enforce the HLS-friendly C rules of DESIGN.md section 4 on hw/hls (.c and .h).
"""Check .c and .h files (directories are searched recursively) against the hw/hls rules.

Example: python3 tools/hls_check.py hw/hls
Reports `file:line: rule: message` for every violation and exits 1; otherwise prints
`hls_check: N files, 0 violations, W waivers used` and exits 0.

Rules (the name is what a waiver and the report use):
  dynamic-memory    malloc, calloc, realloc, free, alloca, aligned_alloc, posix_memalign, new
  recursion         any cycle in the call graph of the functions defined in the checked files
  function-pointer  (*name)(, (*)(, typedef of a function type
  vla               array sizes in function bodies / parameters that are not constant
  loop              while, do, for(;;), a for condition that is not `ident OP constant`
  goto              goto
  include           anything but <stdint.h>, <stddef.h>, <stdbool.h> and "file" next to the includer
  extension         __attribute__, __builtin_*, asm, typeof, __extension__, ({ ... })
A violation is waived by a comment on its line: /* hls-check: allow <rule> -- <reason> */
Macro bodies (#define) are checked for the token rules; `do { ... } while (0)` is allowed there.
The checker is lexical: it does not run the preprocessor, so code hidden behind #if is checked too.
"""
import argparse
import os
import re
import sys

RULES = ("dynamic-memory", "recursion", "function-pointer", "vla", "loop", "goto",
         "include", "extension", "waiver")
ALLOWED_SYSTEM_HEADERS = {"stdint.h", "stddef.h", "stdbool.h"}
DYNAMIC = {"malloc", "calloc", "realloc", "free", "alloca", "aligned_alloc", "posix_memalign"}
EXTENSIONS = {"__attribute__", "__attribute", "asm", "__asm__", "__asm", "typeof", "__typeof__",
              "__typeof", "__extension__", "__label__"}
KEYWORDS = {"auto", "break", "case", "char", "const", "continue", "default", "do", "double",
            "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
            "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct",
            "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "_Bool",
            "_Complex", "_Alignas", "_Alignof", "_Atomic", "_Generic", "_Noreturn",
            "_Static_assert", "_Thread_local", "bool"}
TYPE_WORDS = {"void", "char", "short", "int", "long", "float", "double", "signed", "unsigned",
              "_Bool", "bool", "_Complex", "struct", "union", "enum"}
DECL_PREFIX = {"static", "const", "volatile", "register", "extern", "auto", "inline",
               "_Atomic", "_Thread_local", "_Alignas", "restrict"}
WAIVER_RE = re.compile(r"hls-check:\s*allow\s+([\w-]+)\s*(.*?)\s*(?:\*/)?\s*$", re.S)
INT_RE = re.compile(r"^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)([uU]?[lL]{0,2}|[lL]{1,2}[uU])$")
UPPER_RE = re.compile(r"^[A-Z_][A-Z0-9_]*$")
CONST_OPS = {"(", ")", "+", "-", "*", "/", "<<", ">>"}
TOKEN_RE = re.compile(r"""
    (?P<id>[A-Za-z_]\w*)
  | (?P<num>\.?\d(?:[eEpP][+-]|[\w.])*)
  | (?P<str>"[^"\n]*"?) | (?P<chr>'[^'\n]*'?)
  | (?P<op>\.\.\.|<<=|>>=|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&^|]=|\#\#|[^\s\\])
""", re.X)


class Tok:
    __slots__ = ("kind", "text", "line")

    def __init__(self, kind, text, line):
        self.kind, self.text, self.line = kind, text, line


def tokenize(text, line0=1):
    toks, line, pos = [], line0, 0
    for m in TOKEN_RE.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        toks.append(Tok(m.lastgroup, m.group(), line))
    return toks


def strip_source(src):
    """Blank comments and literal contents (keeping quotes, columns and newlines).
    Returns the cleaned text and the comments as (line, text)."""
    out, comments, i, n, line = [], [], 0, len(src), 1
    blank = lambda s: re.sub(r"[^\n]", " ", s)
    while i < n:
        c = src[i]
        if src.startswith(("/*", "//"), i):
            close = "*/" if src[i + 1] == "*" else "\n"
            end = src.find(close, i + 2)
            end = n if end < 0 else end + (2 if close == "*/" else 0)
            comments.append((line, src[i:end]))
            out.append(blank(src[i:end]))
        elif c in "\"'":
            end = i + 1
            while end < n and src[end] not in (c, "\n"):
                end += 2 if src[end] == "\\" and src[end + 1:end + 2] != "\n" else 1
            closed = end < n and src[end] == c
            out.append(c + blank(src[i + 1:end]) + (c if closed else ""))
            end += closed
        else:
            end = i + 1
            out.append(c)
        line += src.count("\n", i, end)
        i = end
    return "".join(out), comments


def split_directives(clean):
    """Split cleaned text into code (directive lines blanked) and directives (line, text)."""
    lines = clean.split("\n")
    directives, k = [], 0
    while k < len(lines):
        if lines[k].lstrip().startswith("#"):
            start, parts = k, [lines[k]]
            while lines[k].rstrip().endswith("\\") and k + 1 < len(lines):
                lines[k] = ""
                k += 1
                parts.append(lines[k])
            lines[k] = ""
            directives.append((start + 1, "\n".join(parts)))
        k += 1
    return "\n".join(lines), directives


def match(toks, i):
    """Index of the bracket closing the one at toks[i] (or len(toks) - 1 if unbalanced)."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    opener, closer, depth = toks[i].text, pairs[toks[i].text], 0
    for j in range(i, len(toks)):
        if toks[j].text == opener:
            depth += 1
        elif toks[j].text == closer:
            depth -= 1
            if depth == 0:
                return j
    return len(toks) - 1


def is_const_expr(toks):
    """Integer literals, UPPER_CASE names, parentheses, + - * / << >> and sizeof(...)."""
    if not toks:
        return False
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.text == "sizeof":
            i += 1
            if i < len(toks) and toks[i].text == "(":
                i = match(toks, i) + 1
                continue
            if i >= len(toks) or toks[i].kind != "id":
                return False
            i += 1
            while i < len(toks) and toks[i].text in ("[", ".", "->"):
                i = match(toks, i) + 1 if toks[i].text == "[" else i + 2
            continue
        if not (t.text in CONST_OPS or (t.kind == "num" and INT_RE.match(t.text))
                or (t.kind == "id" and UPPER_RE.match(t.text))):
            return False
        i += 1
    return True


def show(toks):
    """Tokens back to readable C: `i < ARRAY_SIZE(tbl)`, `a[n + 1u]`."""
    text = " ".join(t.text for t in toks)
    return re.sub(r"(?<=[(\[]) | (?=[)\],;])|(?<=\w) (?=[(\[])", "", text)


def unparen(toks):
    while len(toks) >= 2 and toks[0].text == "(" and match(toks, 0) == len(toks) - 1:
        toks = toks[1:-1]
    return toks


class Checker:
    def __init__(self):
        self.violations = set()      # (path, line, rule, message)
        self.files = 0
        self.functions = {}          # (path if static else None, name) -> (path, name, body)
        self.definitions = []        # (path, parameter tokens, body tokens), checked for VLAs
        self.macros = {}             # name -> set of identifiers referenced by the body
        self.typedefs = set()
        self.waivers = {}            # (path, line) -> list of [rule, reason, used]

    def report(self, path, line, rule, msg):
        self.violations.add((path, line, rule, msg))

    # ---- per file ---------------------------------------------------------------------------
    def check_file(self, path):
        self.files += 1
        with open(path, encoding="utf-8", errors="replace") as f:
            src = f.read()
        clean, comments = strip_source(src)
        code_text, directives = split_directives(clean)
        raw_lines = src.split("\n")
        for line, text in comments:
            self.parse_waiver(path, line, text)
        for line, text in directives:
            self.check_directive(path, line, text, raw_lines)
        toks = tokenize(code_text)
        self.check_tokens(path, toks, in_macro=False)
        self.check_typedefs(path, toks)
        self.collect_functions(path, toks)

    def parse_waiver(self, path, line, text):
        if "hls-check:" not in text:
            return
        m = WAIVER_RE.search(text)
        if not m:
            self.report(path, line, "waiver", "malformed waiver; write "
                        "/* hls-check: allow <rule> -- <reason> */")
            return
        rule, rest = m.group(1), m.group(2)
        reason = rest[2:].strip() if rest.startswith("--") else ""
        if rule not in RULES or rule == "waiver":
            self.report(path, line, "waiver", "unknown rule '%s' in waiver" % rule)
        elif not reason:
            self.report(path, line, "waiver", "waiver for '%s' gives no reason "
                        "(write: hls-check: allow %s -- <reason>)" % (rule, rule))
        else:
            self.waivers.setdefault((path, line), []).append([rule, reason, False])

    def check_directive(self, path, line, text, raw_lines):
        m = re.match(r"\s*#\s*(\w*)", text)
        name = m.group(1) if m else ""
        if name in ("include", "include_next", "import"):
            raw = "\n".join(raw_lines[line - 1:line + text.count("\n")])  # same columns as text
            arg = re.match(r'\s*(?:<([^>]*)>|"([^"]*)")', text[m.end():])
            if name != "include" or not arg:
                self.report(path, line, "include", "only #include <...> or \"...\" is allowed")
            elif arg.group(1) is not None:
                if arg.group(1).strip() not in ALLOWED_SYSTEM_HEADERS:
                    self.report(path, line, "include", "<%s> is not allowed; only <stdint.h>, "
                                "<stddef.h>, <stdbool.h>" % arg.group(1).strip())
            else:
                fname = raw[m.end() + arg.start(2):m.end() + arg.end(2)]
                here = os.path.join(os.path.dirname(path), fname)
                if not fname or "/" in fname or not os.path.isfile(here):
                    self.report(path, line, "include", "\"%s\" is not a project header beside "
                                "%s" % (fname, os.path.basename(path)))
        elif name == "define":
            d = re.match(r"\s*#\s*define\s+([A-Za-z_]\w*)(\([^)]*\))?", text)
            if not d:
                return
            params = set(re.findall(r"\w+", d.group(2) or ""))
            body = tokenize(text[d.end():], line + text.count("\n", 0, d.end()))
            self.check_tokens(path, body, in_macro=True)
            refs = self.macros.setdefault(d.group(1), set())
            refs.update(t.text for t in body if t.kind == "id" and t.text not in params)

    # ---- token rules: dynamic memory, function pointers, extensions, loops, goto --------------
    def check_tokens(self, path, toks, in_macro):
        allowed_while = set()
        for i, t in enumerate(toks):
            nxt, nkind = (toks[i + 1].text, toks[i + 1].kind) if i + 1 < len(toks) else ("", "")
            if t.kind == "id":
                if t.text in DYNAMIC and (nxt == "(" or t.text != "free"):
                    self.report(path, t.line, "dynamic-memory", "%s: no dynamic memory; use "
                                "a fixed-size array" % t.text)
                elif t.text == "new" and (nxt == "(" or nkind == "id"):
                    self.report(path, t.line, "dynamic-memory", "new: no dynamic memory")
                elif t.text in EXTENSIONS or t.text.startswith("__builtin_"):
                    self.report(path, t.line, "extension", "%s is a compiler extension" % t.text)
                elif t.text == "goto":
                    self.report(path, t.line, "goto", "goto is not allowed")
                elif t.text == "do":
                    w = self.do_while_zero(toks, i) if in_macro else None
                    if w is None:
                        self.report(path, t.line, "loop", "do/while loop; use a for loop with "
                                    "a constant bound")
                    else:
                        allowed_while.add(w)
                elif t.text == "while" and i not in allowed_while:
                    self.report(path, t.line, "loop", "while loop; use a for loop with a "
                                "constant bound")
                elif t.text == "for" and nxt == "(":
                    self.check_for(path, toks, i)
            elif t.text == "(" and nxt == "{":
                self.report(path, t.line, "extension", "statement expression ({ ... })")
            elif t.text == "(" and nxt == "*":
                self.check_fnptr(path, toks, i)

    @staticmethod
    def do_while_zero(toks, i):
        """Index of the `while` of `do { ... } while (0)` starting at toks[i], else None."""
        j = match(toks, i + 1) + 1 if toks[i + 1:i + 2] and toks[i + 1].text == "{" else 0
        return j if j and [t.text for t in toks[j:j + 4]] == ["while", "(", "0", ")"] else None

    def check_fnptr(self, path, toks, i):
        j = i + 1
        while j < len(toks) and toks[j].text == "*":
            j += 1
        while j < len(toks) and (toks[j].kind == "id" or toks[j].text == "["):
            j = match(toks, j) + 1 if toks[j].text == "[" else j + 1
        if j + 1 < len(toks) and toks[j].text == ")" and toks[j + 1].text == "(":
            what = "".join(t.text for t in toks[i:j + 2])
            self.report(path, toks[i].line, "function-pointer",
                        "function pointer '%s'; call the function directly" % what)

    def check_for(self, path, toks, i):
        close = match(toks, i + 1)
        parts, depth, cur = [], 0, []
        for t in toks[i + 2:close]:
            depth += t.text in ("(", "[", "{")
            depth -= t.text in (")", "]", "}")
            if t.text == ";" and depth == 0:
                parts.append(cur)
                cur = []
            else:
                cur.append(t)
        parts.append(cur)
        line = toks[i].line
        if len(parts) != 3:
            self.report(path, line, "loop", "malformed for header")
        elif not parts[1]:
            self.report(path, line, "loop", "for (;;) has no bound")
        elif not self.bounded(parts[1]):
            self.report(path, line, "loop", "for condition '%s' is not 'ident < CONSTANT' (or "
                        "<=, >, >=; CONSTANT: literals, UPPER_CASE names, sizeof, + - * / << >>)"
                        % show(parts[1]))

    @staticmethod
    def bounded(cond):
        cond = unparen(cond)
        depth, ops = 0, []
        for k, t in enumerate(cond):
            depth += (t.text == "(") - (t.text == ")")
            if depth == 0 and t.text in ("<", "<=", ">", ">="):
                ops.append(k)
        if len(ops) != 1:
            return False
        lhs, rhs = unparen(cond[:ops[0]]), unparen(cond[ops[0] + 1:])
        plain = lambda side: len(side) == 1 and side[0].kind == "id" and \
            side[0].text not in KEYWORDS
        return (plain(lhs) and is_const_expr(rhs)) or (plain(rhs) and is_const_expr(lhs))

    # ---- typedefs: collect their names (for declarations), reject function types ---------------
    def check_typedefs(self, path, toks):
        for i, t in enumerate(toks):
            if t.text != "typedef":
                continue
            j, last = i + 1, None
            while j < len(toks) and toks[j].text != ";":
                if toks[j].kind == "id":
                    last = toks[j].text
                    if j + 1 < len(toks) and toks[j + 1].text == "(":
                        end = match(toks, j + 1)
                        if end + 1 < len(toks) and toks[end + 1].text in (";", ","):
                            self.report(path, toks[j].line, "function-pointer",
                                        "typedef of function type '%s'" % last)
                j = match(toks, j) + 1 if toks[j].text in ("(", "[", "{") else j + 1
            if last:
                self.typedefs.add(last)

    # ---- functions: definitions, VLAs, call graph --------------------------------------------
    def collect_functions(self, path, toks):
        i, depth, stmt_start = 0, 0, 0
        while i < len(toks):
            t = toks[i]
            if depth == 0 and t.kind == "id" and t.text not in KEYWORDS and \
                    i + 1 < len(toks) and toks[i + 1].text == "(":
                close = match(toks, i + 1)
                if close + 1 < len(toks) and toks[close + 1].text == "{":
                    end = match(toks, close + 1)
                    static = any(u.text == "static" for u in toks[stmt_start:i])
                    key = (path if static else None, t.text)
                    self.functions[key] = (path, t.text, toks[close + 2:end])
                    self.definitions.append((path, toks[i + 2:close], toks[close + 2:end]))
                    i, stmt_start = end + 1, end + 1
                    continue
            if t.text == "extern" and [u.kind for u in toks[i + 1:i + 3]] == ["str", "op"] \
                    and toks[i + 2].text == "{":
                i += 3                        # extern "C" { ... } does not nest functions
                continue
            depth = max(0, depth + (t.text == "{") - (t.text == "}"))
            if depth == 0 and t.text in (";", "}"):
                stmt_start = i + 1
            i += 1

    def check_params(self, path, params):
        for k, t in enumerate(params):
            if t.text == "[":
                size = [u for u in params[k + 1:match(params, k)]
                        if u.text not in ("static", "const", "restrict", "volatile")]
                if size and not is_const_expr(size):
                    self.report(path, t.line, "vla", "parameter array size '%s' is not "
                                "constant" % show(size))

    def is_declaration(self, stmt):
        k = 0
        while k < len(stmt) and stmt[k].text in DECL_PREFIX:
            k += 1
        if k >= len(stmt) or stmt[k].kind != "id":
            return False
        first = stmt[k].text
        if first in TYPE_WORDS or first in self.typedefs or first.endswith("_t"):
            return True
        return first not in KEYWORDS and k + 1 < len(stmt) and stmt[k + 1].kind == "id" and \
            stmt[k + 1].text not in KEYWORDS

    def check_vla(self, path, body):
        stmts, cur, depth = [], [], 0
        for t in body:
            depth += (t.text == "(") - (t.text == ")")
            if depth == 0 and t.text in (";", "{", "}"):
                stmts.append(cur)
                cur = []
            else:
                cur.append(t)
        stmts.append(cur)
        for stmt in stmts:
            if not self.is_declaration(stmt):
                continue
            k, depth, in_init = 0, 0, False
            while k < len(stmt):
                t = stmt[k]
                if depth == 0 and t.text == "=":
                    in_init = True
                elif depth == 0 and t.text == ",":
                    in_init = False
                elif t.text == "[" and depth == 0 and not in_init:
                    end = match(stmt, k)
                    size = stmt[k + 1:end]
                    if size and not is_const_expr(size):
                        self.report(path, t.line, "vla", "array size '%s' is not a constant "
                                    "expression" % show(size))
                    k = end + 1
                    continue
                depth += t.text in ("(", "[")
                depth -= t.text in (")", "]")
                k += 1

    def macro_functions(self, name, seen):
        """Function names a macro reaches, through other macros too."""
        out = set()
        for ref in self.macros.get(name, ()):
            if ref in self.macros and ref not in seen:
                seen.add(ref)
                out |= self.macro_functions(ref, seen)
            else:
                out.add(ref)
        return out

    def resolve(self, path, name):
        if (path, name) in self.functions:
            return [(path, name)]
        if (None, name) in self.functions:
            return [(None, name)]
        return [k for k in self.functions if k[1] == name and k[0] and k[0].endswith(".h")]

    def check_program(self):
        """Checks that need every file seen first: VLAs (typedef names) and recursion."""
        for path, params, body in self.definitions:
            self.check_params(path, params)
            self.check_vla(path, body)
        graph, site = {}, {}
        for key, (path, _, body) in self.functions.items():
            edges = graph.setdefault(key, [])
            for i, t in enumerate(body):
                if t.kind != "id":
                    continue
                names, via = [], ""
                if t.text in self.macros:
                    via = " (via macro %s)" % t.text
                    names = self.macro_functions(t.text, {t.text})
                elif i + 1 < len(body) and body[i + 1].text == "(":
                    names = [t.text]
                for name in sorted(names):
                    for callee in self.resolve(path, name):
                        if callee not in edges:
                            edges.append(callee)
                            site[(key, callee)] = (path, t.line, via)
        for cycle in find_cycles(graph):
            path, line, _ = site[(cycle[0], cycle[1])]
            steps = [cycle[0][1]] + ["%s%s" % (b[1], site[(a, b)][2])
                                     for a, b in zip(cycle, cycle[1:])]
            self.report(path, line, "recursion", "call cycle " + " -> ".join(steps))

    # ---- waivers and the verdict --------------------------------------------------------------
    def finish(self):
        kept, used = [], 0
        for v in sorted(self.violations):
            waivers = self.waivers.get((v[0], v[1]), [])
            hit = [w for w in waivers if w[0] == v[2]]
            for w in hit:
                w[2] = True
            if not hit:
                kept.append(v)
        for (path, line), waivers in self.waivers.items():
            for rule, _, was_used in waivers:
                used += was_used
                if not was_used:
                    kept.append((path, line, "waiver", "unused waiver for '%s'" % rule))
        return sorted(kept), used


def find_cycles(graph):
    """One shortest cycle per strongly connected component that has a cycle."""
    reach = {}
    for node in graph:
        seen, queue = set(), list(graph[node])
        for nxt in queue:
            if nxt not in seen:
                seen.add(nxt)
                queue.extend(graph[nxt])
        reach[node] = seen
    done = set()
    for start in sorted(graph, key=lambda k: (k[1], k[0] or "")):
        if start in done or start not in reach[start]:
            continue
        comp = {n for n in reach[start] if start in reach[n]}
        done |= comp
        yield shortest_cycle(graph, start, comp)


def shortest_cycle(graph, start, comp):
    """Breadth-first search from start back to start inside one component."""
    prev, queue = {}, [start]
    for node in queue:
        for nxt in graph[node]:
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if nxt in comp and nxt not in prev:
                prev[nxt] = node
                queue.append(nxt)
    return [start, start]


def source_files(paths):
    for p in paths:
        if os.path.isfile(p):
            yield p
            continue
        for root, dirs, files in os.walk(p):
            dirs.sort()
            for name in sorted(files):
                if name.endswith((".c", ".h")):
                    yield os.path.join(root, name)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n", 1)[1])
    ap.add_argument("paths", nargs="+", help="directories (searched recursively) or files")
    args = ap.parse_args(argv)
    for p in args.paths:
        if not os.path.exists(p):
            print("hls_check: %s: no such file or directory" % p, file=sys.stderr)
            return 2
    checker = Checker()
    for path in source_files(args.paths):
        checker.check_file(path)
    checker.check_program()
    violations, used = checker.finish()
    for path, line, rule, msg in violations:
        print("%s:%d: %s: %s" % (path, line, rule, msg))
    print("hls_check: %d files, %d violations, %d waivers used" %
          (checker.files, len(violations), used))
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
