# Seeds the server through its public API, as a user would (sourced by bench/run.sh):
#   - bootstrap: an admin identity token (org admin, and project admin once it creates the project);
#   - a project with 100 secrets in dev at "/", every fifth one referencing two others as ${NAME};
#   - the machine identity under test: universal auth, a client secret, a `member` membership, two access tokens
#     (one drives the load, one is revoked during B1 load);
#   - a second member identity whose membership is deleted during B1 load;
#   - B4's identities (org members, not project members): one per wrk thread.

SECRET_COUNT=100
B4_THREADS=4

new_member_identity() { # name -> identity id (org role member)
  api POST /api/v1/identities "$ADMIN_TOKEN" "{\"name\":\"$1\",\"organizationId\":\"$ORG_ID\",\"role\":\"member\"}" | jq -r .identity.id
}

login() { # -> access token
  api POST /api/v1/auth/universal-auth/login - "{\"clientId\":\"$1\",\"clientSecret\":\"$2\"}" | jq -r .accessToken
}

with_universal_auth() { # identity id -> "clientId clientSecret"
  local client_id secret
  client_id="$(api POST "/api/v1/auth/universal-auth/identities/$1" "$ADMIN_TOKEN" '{}' | jq -r .identityUniversalAuth.clientId)"
  secret="$(api POST "/api/v1/auth/universal-auth/identities/$1/client-secrets" "$ADMIN_TOKEN" '{}' | jq -r .clientSecret)"
  echo "$client_id $secret"
}

seed() {
  log "seeding"
  local boot
  boot="$(api POST /api/v1/admin/bootstrap - '{"email":"bench@example.com","password":"bench-password-1234","organization":"bench"}')"
  ADMIN_TOKEN="$(jq -r .identity.credentials.token <<<"$boot")"
  ORG_ID="$(jq -r .organization.id <<<"$boot")"
  PROJECT_ID="$(api POST /api/v2/workspace "$ADMIN_TOKEN" '{"projectName":"bench"}' | jq -r .project.id)"

  IDENTITY_ID="$(new_member_identity bench-reader)"
  read -r CLIENT_ID CLIENT_SECRET <<<"$(with_universal_auth "$IDENTITY_ID")"
  api POST "/api/v1/projects/$PROJECT_ID/identity-memberships/$IDENTITY_ID" "$ADMIN_TOKEN" '{"role":"member"}' >/dev/null
  TOKEN="$(login "$CLIENT_ID" "$CLIENT_SECRET")"
  REVOKED_TOKEN="$(login "$CLIENT_ID" "$CLIENT_SECRET")"

  DROPPED_ID="$(new_member_identity bench-dropped)"
  local dropped_client dropped_secret
  read -r dropped_client dropped_secret <<<"$(with_universal_auth "$DROPPED_ID")"
  api POST "/api/v1/projects/$PROJECT_ID/identity-memberships/$DROPPED_ID" "$ADMIN_TOKEN" '{"role":"member"}' >/dev/null
  DROPPED_TOKEN="$(login "$dropped_client" "$dropped_secret")"

  B4_IDS=""
  for i in $(seq 1 "$B4_THREADS"); do B4_IDS="$B4_IDS${B4_IDS:+,}$(new_member_identity "bench-b4-$i")"; done

  # Plain secrets are written by B5 and read by B1; every fifth value references two others (expanded by B2).
  WRITE_NAMES=""
  local i name value
  for i in $(seq 1 "$SECRET_COUNT"); do
    name="$(printf 'SECRET_%03d' "$i")"
    if [ $((i % 5)) -eq 0 ]; then
      value="postgres://\${SECRET_$(printf '%03d' $((i - 1)))}:\${SECRET_$(printf '%03d' $((i - 2)))}@db:5432/app"
    else
      value="value-$i-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
      WRITE_NAMES="$WRITE_NAMES${WRITE_NAMES:+,}$name"
    fi
    api POST "/api/v3/secrets/raw/$name" "$ADMIN_TOKEN" \
      "{\"workspaceId\":\"$PROJECT_ID\",\"environment\":\"dev\",\"secretPath\":\"/\",\"secretValue\":\"$value\"}" >/dev/null
  done
  READ_NAME=SECRET_001
  # B6 encrypts 1 KB with a KMS key of the project (the reader identity's member role may encrypt).
  KMS_KEY_ID="$(api POST /api/v1/kms/keys "$ADMIN_TOKEN" "{\"projectId\":\"$PROJECT_ID\",\"name\":\"bench-key\"}" | jq -r .key.id)"
  KMS_PLAINTEXT="$(head -c 1024 /dev/urandom | base64 -w0)"
  log "seeded project $PROJECT_ID: $SECRET_COUNT secrets, identity $IDENTITY_ID"
}
