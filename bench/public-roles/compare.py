"""Compares what the public roles left on web1 (Ansible) with what Rampart left on web2.

Reads the hosts' overlay upper layers (every file written since the base image) and the probe
output `compare` gathered, prints a report, and exits 1 when a difference is not one of the
explained ones below.
"""
import json, os, re, stat, sys

LAB = "/var/lib/rampart-lab/hosts"   # the lab's layout (Sources/RampartLab): HOST/upper
# Where configuration lives; package payloads under /usr are compared as the package lists.
AREAS = ("etc/", "var/www/", "run/sshd")
# Written by the lab for each host (identity, network): compared by owner and mode only.
PER_HOST = re.compile(r"^etc/(hostname|hosts|machine-id|resolv\.conf|\.pwd\.lock|ssh/ssh_host_.*|"
                      r"systemd/network/10-rampart-lab\.network|ssh/sshd_config\.d/10-rampart-lab\.conf|apt/apt\.conf\.d/01proxy)$")
# Differences explained in README.md: path pattern → why.
EXPLAINED = {
    r"^etc/pam\.d/sshd\.\d+\..*~$": "community.general.pamd's backup copy (backup: true)",
}
# Packages Ansible's apt module needs on the host (python3-apt and what it pulls in).
ANSIBLE_ONLY_PACKAGES = {"python3-apt", "python-apt-common", "iso-codes", "distro-info-data", "lsb-release"}

out, ansible_first, ansible_second, rampart_first, rampart_replan, replan_status = sys.argv[1:7]

def files(host):
    base = os.path.join(LAB, host, "upper")
    found = {}
    for top, dirs, names in os.walk(base):
        for name in names + [d for d in dirs if os.path.islink(os.path.join(top, d))]:
            path = os.path.join(top, name)
            rel = os.path.relpath(path, base)
            if not rel.startswith(AREAS):
                continue
            st = os.lstat(path)
            if stat.S_ISCHR(st.st_mode) and st.st_rdev == 0:
                found[rel] = ("deleted", None, None)   # an overlay whiteout: removed from the base image
            elif os.path.islink(path):
                found[rel] = ("link", os.readlink(path), None)
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    found[rel] = ("file", f.read(), (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)))
        for d in list(dirs):
            full = os.path.join(top, d)
            rel = os.path.relpath(full, base)
            if rel.startswith(AREAS) and not os.listdir(full):
                st = os.lstat(full)
                found[rel + "/"] = ("dir", None, (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)))
    return found

def normalized(data):
    """Lines without comments and blanks, whitespace collapsed: what the program reads."""
    lines = []
    for line in data.decode(errors="replace").splitlines():
        line = re.sub(r"\s+", " ", line.split("#", 1)[0]).strip()
        if line:
            lines.append(line)
    return lines

def probe(host):
    with open(os.path.join(out, f"{host}.probe.json")) as f:
        text = json.load(f)["stdout"]
    sections, name = {}, "sshd -T"
    for line in text.splitlines():
        if line.startswith("### "):
            name = line[4:]
            continue
        sections.setdefault(name, []).append(line)
    return sections

a, r = files("web1"), files("web2")
rows, unexplained = [], 0
for path in sorted(set(a) | set(r)):
    why = next((w for p, w in EXPLAINED.items() if re.match(p, path)), None)
    if path not in r or path not in a:
        side = "only Ansible" if path not in r else "only Rampart"
        rows.append((path, side, why or "UNEXPLAINED"))
        unexplained += why is None
        continue
    (ka, da, ma), (kr, dr, mr) = a[path], r[path]
    if PER_HOST.match(path):
        same = ka == kr and ma == mr
        rows.append((path, "same owner/mode (per-host content)" if same else f"metadata differs {ma} vs {mr}", "" if same else "UNEXPLAINED"))
        unexplained += not same
        continue
    if ka != kr or (ka == "link" and da != dr):
        rows.append((path, f"{ka} {da!s:.40} vs {kr} {dr!s:.40}", "UNEXPLAINED")); unexplained += 1
        continue
    if ma != mr:
        rows.append((path, f"owner/mode {ma} vs {mr}", "UNEXPLAINED")); unexplained += 1
        continue
    if ka != "file" or da == dr:
        rows.append((path, "identical", "")); continue
    na, nr = normalized(da), normalized(dr)
    if na == nr:
        rows.append((path, "same lines (comments, blanks, spacing differ)", ""))
    elif sorted(na) == sorted(nr):
        rows.append((path, "same directives, another order", ""))
    else:
        only_a = sorted(set(na) - set(nr)); only_r = sorted(set(nr) - set(na))
        rows.append((path, f"DIFFERENT: Ansible {only_a[:3]} / Rampart {only_r[:3]}", "UNEXPLAINED")); unexplained += 1

pa, pr = probe("web1"), probe("web2")
installed = lambda p: {line.split()[0] for line in p.get("packages", []) if line.split()[1:2] == ["ii"]}
ansible_only, rampart_only = installed(pa) - installed(pr), installed(pr) - installed(pa)
packages = (f"same {len(installed(pa))} installed" if not ansible_only and not rampart_only
            else f"only Ansible: {' '.join(sorted(ansible_only))}; only Rampart: {' '.join(sorted(rampart_only)) or '-'}")
if ansible_only - ANSIBLE_ONLY_PACKAGES or rampart_only:
    unexplained += 1
    packages += "  — UNEXPLAINED"
elif ansible_only:
    packages += "  — what Ansible's apt module needs on the host"
semantic = []
for name in ("sshd -T", "ssh -G", "nginx -T", "services"):
    same = pa.get(name) == pr.get(name)
    detail = "" if same else f"Ansible-only {sorted(set(pa.get(name, [])) - set(pr.get(name, [])))[:4]} / Rampart-only {sorted(set(pr.get(name, [])) - set(pa.get(name, [])))[:4]}"
    semantic.append((name, "identical" if same else "DIFFERENT " + detail))
    unexplained += not same

def recap(path):
    text = open(os.path.join(out, path)).read()
    m = re.search(r"ok=(\d+)\s+changed=(\d+)", text)
    return (int(m.group(1)), int(m.group(2))) if m else (0, -1)

stats = open(os.path.join(out, "rampart-2.stats")).read().strip().replace("stats: ", "").replace("\n", "; ")
print("Public roles (Ansible on web1) vs playbooks/public-roles.yml (Rampart on web2), fresh lab")
print(f"  Ansible   first run {ansible_first} s (ok={recap('ansible-1.txt')[0]}, changed={recap('ansible-1.txt')[1]}), "
      f"second run {ansible_second} s (changed={recap('ansible-2.txt')[1]})")
print(f"  Rampart   first apply {rampart_first} s, re-plan {rampart_replan} s: "
      f"{'empty' if replan_status == '0' else 'NOT EMPTY'} ({stats})")
if replan_status != "0":
    unexplained += 1
print()
print(f"  {'file (changed since the base image)':58} result")
for path, result, why in rows:
    print(f"  /{path:57} {result}{'  — ' + why if why else ''}")
print()
for name, result in semantic:
    print(f"  {name:58} {result}")
print(f"  {'packages (dpkg)':58} {packages}")
print()
print(f"{unexplained} unexplained difference(s)")
sys.exit(1 if unexplained else 0)
