"""The linter wrappers against small files: real ruff, hadolint, yamllint and schemas."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

import pytest

from core.contracts import Finding
from services import linters

GOOD_DOCKERFILE = """\
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
USER 10001
CMD ["python", "-m", "app"]
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: demo
spec:
  replicas: 1
  selector:
    matchLabels:
      app: demo
  template:
    metadata:
      labels:
        app: demo
    spec:
      containers:
        - name: app
          image: demo:0.1.0
          ports:
            - containerPort: 8000
"""

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: demo
spec:
  selector:
    app: demo
  ports:
    - port: 80
      targetPort: 8000
"""


def _write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


class TestCompileCheck:
    def test_syntax_error_is_a_blocking_high_finding_with_its_line(self, tmp_path: Path) -> None:
        """A file that does not compile yields one blocking finding at the offending line."""
        _write(tmp_path, "pkg/ok.py", "VALUE = 1\n")
        _write(tmp_path, "pkg/broken.py", "VALUE = 1\n\ndef broken(:\n    pass\n")
        [finding] = linters.compile_check(tmp_path)
        assert (finding.path, finding.line, finding.code) == ("pkg/broken.py", 3, "E999")
        assert finding.severity == "high"
        assert finding.blocking

    def test_virtualenvs_and_build_output_are_skipped(self, tmp_path: Path) -> None:
        """Broken files in .venv, build/ or a directory holding pyvenv.cfg are not the project's."""
        for directory in (".venv/lib", "build/lib", "custom-env/lib"):
            _write(tmp_path, f"{directory}/bad.py", "def broken(:\n")
        _write(tmp_path, "custom-env/pyvenv.cfg", "home = /usr/bin\n")
        _write(tmp_path, "app.py", "VALUE = 1\n")
        assert linters.compile_check(tmp_path) == []
        assert [p.name for p in linters.python_files(tmp_path)] == ["app.py"]


class TestRuffCheck:
    def test_security_rules_map_to_blocking_high_findings(self, tmp_path: Path) -> None:
        """eval, a hard-coded password, shell=True and SQL concatenation each block the release."""
        _write(
            tmp_path,
            "app/x.py",
            "import subprocess\n\n"
            "value = eval(input())\n"
            'password = "hunter2"\n'
            'subprocess.run("ls " + str(value), shell=True)\n\n\n'
            "def query(name: str) -> str:\n"
            '    return "SELECT * FROM users WHERE name = \'" + name + "\'"\n',
        )
        findings = {f.code: f for f in linters.ruff_check(tmp_path)}
        for code in ("S307", "S105", "S602", "S608"):
            assert findings[code].severity == "high", code
            assert findings[code].blocking, code
            assert linters.is_security_finding(findings[code])
        assert (findings["S307"].path, findings["S307"].line) == ("app/x.py", 3)

    def test_undefined_name_blocks_and_unused_import_does_not(self, tmp_path: Path) -> None:
        """F821 breaks the program at run time; F401 is only untidy."""
        _write(tmp_path, "app.py", "import os\n\nprint(undefined_name)\n")
        findings = {f.code: f for f in linters.ruff_check(tmp_path)}
        assert findings["F821"].blocking
        assert not findings["F401"].blocking
        assert findings["F401"].severity == "medium"
        assert not linters.is_security_finding(findings["F821"])

    def test_asserts_and_fake_passwords_in_tests_do_not_block(self, tmp_path: Path) -> None:
        """S101 is ignored under tests/ and test passwords are low-severity test data."""
        test_source = 'def test_login():\n    password = "x1"\n    assert password\n'
        _write(tmp_path, "tests/test_login.py", test_source)
        _write(tmp_path, "app.py", "def check(value):\n    assert value\n")
        findings = linters.ruff_check(tmp_path)
        assert {(f.path, f.code) for f in findings if f.code == "S101"} == {("app.py", "S101")}
        secret = next(f for f in findings if f.code == "S105")
        assert secret.path == "tests/test_login.py"
        assert (secret.severity, secret.blocking) == ("low", False)

    def test_the_projects_own_ruff_config_cannot_switch_rules_off(self, tmp_path: Path) -> None:
        """Generated code cannot silence the checks: ruff runs isolated from project config."""
        config = '[tool.ruff]\nextend-exclude = ["app.py"]\n'
        config += '[tool.ruff.lint.per-file-ignores]\n"*" = ["S", "F"]\n'
        _write(tmp_path, "pyproject.toml", config)
        _write(tmp_path, "app.py", "value = eval(input())\n")
        _write(tmp_path, "lib.py", "value = eval(input())\n")
        found = {(f.path, f.code) for f in linters.ruff_check(tmp_path)}
        assert found >= {("app.py", "S307"), ("lib.py", "S307")}

    def test_findings_are_capped_worst_first(self, tmp_path: Path) -> None:
        """A flood of findings is cut at MAX_FINDINGS and the blocking one survives the cut."""
        imports = "".join(f"import mod{i}\n" for i in range(linters.MAX_FINDINGS + 30))
        _write(tmp_path, "app.py", imports + "value = eval(input())\n")
        findings = linters.ruff_check(tmp_path)
        assert len(findings) == linters.MAX_FINDINGS
        assert findings[0].code == "S307"

    def test_syntax_errors_are_left_to_compile_check(self, tmp_path: Path) -> None:
        """A broken file is reported once (by compile_check), not again by ruff."""
        _write(tmp_path, "app.py", "def broken(:\n")
        assert linters.ruff_check(tmp_path) == []


class TestHadolint:
    def test_unpinned_base_image_and_apt_packages_are_reported(self, tmp_path: Path) -> None:
        """`FROM python:latest` and an unpinned apt-get install are hadolint warnings."""
        dockerfile = _write(
            tmp_path,
            "Dockerfile",
            "FROM python:latest\n"
            "RUN apt-get update && apt-get install -y curl\n"
            "CMD python app.py\n",
        )
        findings = {f.code: f for f in linters.hadolint(dockerfile, root=tmp_path)}
        assert {"DL3007", "DL3008", "DL3025"} <= set(findings)
        assert findings["DL3007"].severity == "medium"
        assert (findings["DL3008"].path, findings["DL3008"].line) == ("Dockerfile", 2)

    def test_good_dockerfile_has_no_error_level_findings(self, tmp_path: Path) -> None:
        """A pinned, non-root Dockerfile with JSON CMD passes without errors or warnings."""
        dockerfile = _write(tmp_path, "Dockerfile", GOOD_DOCKERFILE)
        findings = linters.hadolint(dockerfile)
        assert [f for f in findings if f.severity in ("high", "medium")] == []

    def test_inline_ignore_pragmas_are_not_honoured(self, tmp_path: Path) -> None:
        """A generated Dockerfile cannot hide a finding behind `# hadolint ignore=`."""
        dockerfile = _write(
            tmp_path, "Dockerfile", "# hadolint ignore=DL3007\nFROM python:latest\n"
        )
        assert "DL3007" in _codes(linters.hadolint(dockerfile))

    def test_parse_errors_are_blocking(self, tmp_path: Path) -> None:
        """An instruction hadolint cannot parse is an error-level, blocking finding."""
        dockerfile = _write(tmp_path, "Dockerfile", "FROM python:3.11-slim\nRUNN echo\n")
        findings = linters.hadolint(dockerfile)
        assert any(f.blocking and f.severity == "high" for f in findings)


class TestYamlCheck:
    def test_clean_file_has_no_findings(self, tmp_path: Path) -> None:
        """A well-formed manifest passes the relaxed yamllint rules."""
        assert linters.yaml_check(_write(tmp_path, "svc.yaml", SERVICE)) == []

    def test_unparsable_yaml_is_blocking_with_its_line(self, tmp_path: Path) -> None:
        """A syntax error stops the file from being used at all."""
        path = _write(tmp_path, "k8s/bad.yaml", "a: 1\nb: [1, 2\nc: 3\n")
        [finding] = linters.yaml_check(path, root=tmp_path)
        assert (finding.path, finding.code, finding.blocking) == ("k8s/bad.yaml", "syntax", True)
        assert finding.line >= 2

    def test_duplicate_keys_are_blocking(self, tmp_path: Path) -> None:
        """PyYAML silently keeps the last duplicate; yamllint's finding blocks it."""
        path = _write(tmp_path, "dup.yaml", "name: a\nname: b\n")
        findings = linters.yaml_check(path)
        assert [(f.code, f.blocking, f.line) for f in findings] == [("key-duplicates", True, 2)]


class TestKubernetesCheck:
    def test_valid_deployment_and_service_pass_strict_validation(self, tmp_path: Path) -> None:
        """Both documents of a multi-document manifest validate against the bundled schemas."""
        path = _write(tmp_path, "all.yaml", DEPLOYMENT + "---\n" + SERVICE)
        assert linters.kubernetes_check(path) == []

    def test_deployment_without_selector_is_reported(self, tmp_path: Path) -> None:
        """apps/v1 requires spec.selector."""
        text = DEPLOYMENT.replace("  selector:\n    matchLabels:\n      app: demo\n", "")
        [finding] = linters.kubernetes_check(_write(tmp_path, "d.yaml", text))
        assert "selector" in finding.message
        assert finding.blocking

    def test_wrong_type_is_reported_with_its_field(self, tmp_path: Path) -> None:
        """A quoted containerPort is a string where the schema wants an integer."""
        text = DEPLOYMENT.replace("containerPort: 8000", 'containerPort: "8000"')
        [finding] = linters.kubernetes_check(_write(tmp_path, "d.yaml", text))
        assert "containerPort" in finding.message

    def test_unknown_fields_fail_in_strict_mode(self, tmp_path: Path) -> None:
        """A misspelt field (`replica`) is refused, not ignored."""
        text = DEPLOYMENT.replace("replicas: 1", "replica: 1")
        [finding] = linters.kubernetes_check(_write(tmp_path, "d.yaml", text))
        assert "replica" in finding.message

    def test_unknown_kinds_and_non_resources_are_reported(self, tmp_path: Path) -> None:
        """A kind without a schema, or a document without a kind, cannot be vouched for."""
        text = "apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g\n---\njust: data\n"
        findings = linters.kubernetes_check(_write(tmp_path, "d.yaml", text))
        assert [f.message.split(":")[0] for f in findings] == ["document 1", "document 2"]


class TestToolVersions:
    def test_versions_of_every_tool_are_reported(self) -> None:
        """Each report names the python, ruff, bandit, hadolint and pytest versions it used."""
        versions = {tool.name: tool.version for tool in linters.tool_versions()}
        assert set(versions) == {"python", "ruff", "bandit", "hadolint", "pytest"}
        for name, version in versions.items():
            assert version[0].isdigit(), (name, version)

    @pytest.mark.parametrize("name", ["ruff", "hadolint", "bandit"])
    def test_tools_are_found_next_to_the_interpreter(self, name: str) -> None:
        """The wrappers use this environment's binaries, not whatever PATH offers first."""
        assert Path(linters.binary(name)).is_file()


class TestBandit:
    def test_shell_injection_blocks_and_tests_are_left_out(self, tmp_path: Path) -> None:
        """shell=True with a variable is high and blocking; an assert in tests/ is not reported."""
        (tmp_path / "app.py").write_text(
            "import subprocess\n\n\ndef run(cmd: str) -> None:\n"
            "    subprocess.call(cmd, shell=True)\n"
        )
        (tmp_path / "tests").mkdir()
        (tmp_path / "tests" / "test_app.py").write_text("def test_x() -> None:\n    assert 1\n")
        findings = linters.bandit_check(tmp_path)
        assert [(f.code, f.path, f.line, f.severity, f.blocking) for f in findings] == [
            ("B602", "app.py", 5, "high", True),  # blocking first
            ("B404", "app.py", 1, "low", False),  # importing subprocess is only worth a look
        ]
        assert linters.is_security_finding(findings[0])

    def test_clean_code_has_no_findings(self, tmp_path: Path) -> None:
        """A harmless module gives an empty list (and no sources at all is fine too)."""
        assert linters.bandit_check(tmp_path) == []
        (tmp_path / "ok.py").write_text("def add(a: int, b: int) -> int:\n    return a + b\n")
        assert linters.bandit_check(tmp_path) == []


class TestSecretScan:
    def test_scans_in_parallel_threads_each_find_the_key(self, tmp_path: Path) -> None:
        """detect-secrets' settings are process-wide: a scan finishing in one thread must not
        leave another thread's scan without plugins (it would find nothing, silently)."""
        projects = []
        for number in range(6):
            project = tmp_path / f"p{number}"
            project.mkdir()
            (project / "storage.py").write_text(
                '"""Credentials in the code."""\n\nAWS_ACCESS_KEY_ID = "AKIAZQ3DRSTUVWXY7ABC"\n'
            )
            projects.append(project)
        with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
            for _round in range(5):
                results = list(pool.map(linters.secret_scan, projects))
                assert [len(findings) for findings, _ in results] == [1] * len(projects)
                assert all(values == {"AKIAZQ3DRSTUVWXY7ABC"} for _, values in results)

    def test_redacting_in_other_threads_leaves_every_scan_its_plugins(self, tmp_path: Path) -> None:
        """Redaction reads the same process-wide settings: a redaction ending in one thread
        while a scan runs in another must not leave the scan without plugins."""
        (tmp_path / "storage.py").write_text('AWS_ACCESS_KEY_ID = "AKIAZQ3DRSTUVWXY7ABC"\n')
        text = "token = 'AKIAZQ3DRSTUVWXY7ABC' printed by a tool\n" * 50
        with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
            scans = [pool.submit(linters.secret_scan, tmp_path) for _ in range(20)]
            redactions = [pool.submit(linters.redact, text) for _ in range(40)]
            assert all("AKIA" not in done.result() for done in redactions)
            assert [len(done.result()[0]) for done in scans] == [1] * len(scans)
