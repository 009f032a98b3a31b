#!/usr/bin/env bash
# The package as a user gets it: build the wheel, install it into a fresh venv outside the
# checkout, and run a whole year with the installed command (init → check → plan → collect
# → summary → nominate → pdf). Usage: .ci/installed_year.sh [python]
set -euo pipefail
cd "$(dirname "$0")/.."
checkout="$PWD"
python="${1:-python3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/plandocs ci.XXXXXX")"  # a space in the path, on purpose
trap 'rm -rf "$work"' EXIT

"$python" -m venv "$work/build-venv"
"$work/build-venv/bin/python" -m pip install --quiet --upgrade pip
"$work/build-venv/bin/python" -m pip wheel --quiet --no-deps -w "$work/dist" "$checkout"
wheel="$(ls "$work"/dist/plandocs-*.whl)"
echo "wheel: $(basename "$wheel")"
rm -rf "$checkout/build"  # setuptools' staging folder, not ours to keep

"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip install --quiet -c "$checkout/constraints.txt" "$wheel"

cd "$work"
plandocs="$work/venv/bin/plandocs"
installed="$("$work/venv/bin/python" -c 'import generator; print(generator.__file__)')"
case "$installed" in
  "$work"/venv/*) ;;
  *) echo "generator imported from $installed, not from the installed wheel" >&2; exit 1 ;;
esac
"$plandocs" --version
"$work/venv/bin/python" -m generator --version

# No plan here: a clear error, not the bundled example.
if "$plandocs" check 2>"$work/no-plan.txt"; then
  echo "check without a plan succeeded" >&2; exit 1
fi
grep -q "当前目录中也没有方案数据" "$work/no-plan.txt"

"$plandocs" init "年度 方案" --example jiaozuo2016
"$plandocs" init 我局模板 --templates
"$plandocs" lint 我局模板
cd "年度 方案"
"$plandocs" check
"$plandocs" plan
"$plandocs" collect returns
"$plandocs" summary --phase 1
"$plandocs" summary --phase 2
"$plandocs" nominate --forms
"$plandocs" nominate
"$plandocs" summary --phase 3 --templates ../我局模板
"$plandocs" pdf out

test -s "out/方案/2016年焦作市园林局文明服务活动方案.pdf"
test -n "$(find out/年度总结 -name '*.docx')"
docs="$(find out -name '*.docx' -o -name '*.xlsx' | grep -v /原件/ | wc -l)"
pdfs="$(find out -name '*.pdf' | wc -l)"
echo "installed plandocs: $docs documents, $pdfs PDFs"
test "$pdfs" -eq "$docs"
