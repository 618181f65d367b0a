#!/usr/bin/env bash
# A throw-away OpenLDAP server (Debian's slapd) in a temporary directory on 127.0.0.1, for the LDAP auth tests.
#   scripts/ldap-test-server.sh start   -> prints "export COFFER_TEST_LDAP='ldap://127.0.0.1:PORT'"
#   scripts/ldap-test-server.sh stop    -> stops it and deletes its directory
# COFFER_LDAP_PORT (default 53890), COFFER_LDAP_STATE (default /tmp/coffer-ldap-test.state) and COFFER_LDAP_PASSWORD
# (the password of cn=admin,dc=coffer,dc=test and of the reader cn=reader,ou=services,dc=coffer,dc=test) select the
# instance. COFFER_LDAP_TLS_DIR, when set, names a folder holding ca.crt, server.crt and server.key: the port then speaks
# LDAPS only (ldaps://). Installs slapd with apt-get when missing.
#
# The directory under dc=coffer,dc=test holds ou=people with these users (password "<uid>-Pa55word"):
#   alice     mail alice@coffer.test, departmentNumber engineering
#   bob       mail bob@coffer.test,   departmentNumber sales
#   ops(ci)*  no mail, departmentNumber engineering   (a uid with characters RFC 4515 makes a filter escape)
# and ou=groups with cn=deployers (member: alice) and cn=auditors (member: bob); the memberof overlay gives each user a
# memberOf attribute naming their groups.
# Anonymous clients may only bind; bound users read everything but passwords.
set -euo pipefail

STATE_FILE="${COFFER_LDAP_STATE:-/tmp/coffer-ldap-test.state}"
PORT="${COFFER_LDAP_PORT:-53890}"
PASSWORD="${COFFER_LDAP_PASSWORD:-root-Pa55word-for-tests}"
SUFFIX="dc=coffer,dc=test"

ensure_installed() {
  if [ -x /usr/sbin/slapd ] && command -v ldapwhoami >/dev/null; then return 0; fi
  echo "slapd not found; installing it from Debian packages..." >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq slapd ldap-utils >&2
}

user() {
  local uid="$1" dept="$2" mail="${3:-}"
  printf 'dn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s\nsn: %s\ndepartmentNumber: %s\nuserPassword: %s-Pa55word\n' \
    "$uid" "$SUFFIX" "$uid" "$uid" "$uid" "$dept" "$uid"
  if [ -n "$mail" ]; then printf 'mail: %s\n' "$mail"; fi
  printf '\n'
}

start() {
  ensure_installed
  local dir
  dir="$(mktemp -d /tmp/coffer-ldap.XXXXXX)"
  mkdir -p "$dir/data"
  local tls="" url="ldap://127.0.0.1:$PORT" client_env=()
  if [ -n "${COFFER_LDAP_TLS_DIR:-}" ]; then
    tls="TLSCACertificateFile $COFFER_LDAP_TLS_DIR/ca.crt
TLSCertificateFile $COFFER_LDAP_TLS_DIR/server.crt
TLSCertificateKeyFile $COFFER_LDAP_TLS_DIR/server.key"
    url="ldaps://127.0.0.1:$PORT"
    client_env=(LDAPTLS_CACERT="$COFFER_LDAP_TLS_DIR/ca.crt")
  fi
  cat > "$dir/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile $dir/slapd.pid
argsfile $dir/slapd.args
$tls
database mdb
maxsize 16777216
suffix "$SUFFIX"
rootdn "cn=admin,$SUFFIX"
rootpw $PASSWORD
directory $dir/data
overlay memberof
memberof-refint TRUE
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by anonymous auth
EOF
  {
    printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\no: Coffer tests\ndc: coffer\n\n' "$SUFFIX"
    printf 'dn: ou=people,%s\nobjectClass: organizationalUnit\nou: people\n\n' "$SUFFIX"
    printf 'dn: ou=services,%s\nobjectClass: organizationalUnit\nou: services\n\n' "$SUFFIX"
    printf 'dn: cn=reader,ou=services,%s\nobjectClass: person\ncn: reader\nsn: reader\nuserPassword: %s\n\n' "$SUFFIX" "$PASSWORD"
    user alice engineering alice@coffer.test
    user bob sales bob@coffer.test
    user 'ops(ci)*' engineering
    printf 'dn: ou=groups,%s\nobjectClass: organizationalUnit\nou: groups\n\n' "$SUFFIX"
  } > "$dir/seed.ldif"
  # Groups are added once the server runs: the memberof overlay fills memberOf in on adds it sees, not on slapadd.
  {
    printf 'dn: cn=deployers,ou=groups,%s\nobjectClass: groupOfNames\ncn: deployers\nmember: uid=alice,ou=people,%s\n\n' "$SUFFIX" "$SUFFIX"
    printf 'dn: cn=auditors,ou=groups,%s\nobjectClass: groupOfNames\ncn: auditors\nmember: uid=bob,ou=people,%s\n\n' "$SUFFIX" "$SUFFIX"
  } > "$dir/groups.ldif"
  slapadd -q -f "$dir/slapd.conf" -l "$dir/seed.ldif" >"$dir/slapadd.log" 2>&1 || { cat "$dir/slapadd.log" >&2; exit 1; }
  /usr/sbin/slapd -f "$dir/slapd.conf" -h "$url/" 2>"$dir/slapd.log"
  local i
  for i in $(seq 1 100); do
    if env "${client_env[@]}" ldapwhoami -x -H "$url" -D "cn=reader,ou=services,$SUFFIX" -w "$PASSWORD" >/dev/null 2>&1; then break; fi
    sleep 0.1
  done
  if ! env "${client_env[@]}" ldapwhoami -x -H "$url" -D "cn=reader,ou=services,$SUFFIX" -w "$PASSWORD" >/dev/null 2>&1; then
    echo "slapd did not start on $url; its log:" >&2
    tail -20 "$dir/slapd.log" >&2 || true
    exit 1
  fi
  env "${client_env[@]}" ldapadd -x -H "$url" -D "cn=admin,$SUFFIX" -w "$PASSWORD" -f "$dir/groups.ldif" >"$dir/groups.log" 2>&1 \
    || { echo "adding the groups failed:" >&2; cat "$dir/groups.log" >&2; exit 1; }
  echo "$dir $PORT" > "$STATE_FILE"
  echo "export COFFER_TEST_LDAP='$url'"
}

stop() {
  [ -f "$STATE_FILE" ] || return 0
  local dir port
  read -r dir port < "$STATE_FILE"
  if [ -f "$dir/slapd.pid" ]; then kill -9 "$(cat "$dir/slapd.pid")" 2>/dev/null || true; fi
  rm -rf "$dir" "$STATE_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
