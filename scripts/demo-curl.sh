#!/usr/bin/env bash
# The walk-through by hand (docs/walkthrough.md): every request of `npm run demo`, as curl calls.
# Needs a running `npm run dev`, curl and jq. Run from the repository root: bash scripts/demo-curl.sh
set -euo pipefail
D=${DEV_DATA_DIR:-.data}
API=$(jq -r .apiUrl $D/dev-endpoints.json)
MAIL=$(jq -r .mailWebUrl $D/dev-endpoints.json)
PERIOD=$(jq -r .demo.period $D/dev-endpoints.json)
TOKEN=$(jq -r .apiToken $D/dev-secrets.json)
C=$API/v1/companies/demo-gmbh
api() { curl -sS -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' "$@"; }
wait_sync() {   # polls the export log until the sync has left "running" (with a 2nd argument: "awaiting_approval" too), then shows its counts
  while S=$(api $C/payroll-syncs/$1 | jq -r .status); [ $S = running ] || { [ -n "${2:-}" ] && [ $S = awaiting_approval ]; }; do sleep 1; done
  api $C/payroll-syncs/$1 | jq -c '{status} + if .counts then {counts: (.counts | {compensationsCreated, alreadyPresent, wouldCreate, employeesUnmatched, employeesInactive, failed})} else {} end'
}

echo '# 1'; api -X POST $C/connection-test | jq -c '{ok, checks: [.checks[] | .status]}'
echo '# 2'; api $C/personio/compensation-types | jq -r '.compensationTypes[] | [.name, .category, .id] | @tsv'
MEAL=$(api $C/personio/compensation-types | jq -r '.compensationTypes[] | select(.name == "Essenszuschuss") | .id')
echo '# 3'; api -X PUT $C/benefit-mappings -d '[
  {"benefitKey": "meal",     "benefitName": "Essenszuschuss",    "compensationTypeId": "'"$MEAL"'"},
  {"benefitKey": "mobility", "benefitName": "Mobilitätsbudget",  "compensationTypeId": null},
  {"benefitKey": "internet", "benefitName": "Internetpauschale", "compensationTypeId": null}]' | jq -c '.[]'
echo '# 4'; api "$C/payroll-periods/$PERIOD/entries?limit=2" | jq -c '{entryCount, currency, entries: [.entries[] | {employeeEmail, benefitKey, amount}]}'
echo '# 5'; DRY=$(api -X POST $C/payroll-syncs -d '{"period": "'"$PERIOD"'", "dryRun": true}' | jq -r .syncId)
wait_sync $DRY
echo '# 6'; SYNC=$(api -X POST $C/payroll-syncs -d '{"period": "'"$PERIOD"'"}' | jq -r .syncId)
wait_sync $SYNC
api $C/payroll-syncs/$SYNC | jq -r .temporalUiUrl
api "$C/payroll-syncs/$SYNC?resultStatus=unmatched,inactive&resultsLimit=3" | jq -c '.results.items[] | {employeeEmail, benefitKey, amount, status}'
echo '# 7'; api "$C/payroll-syncs?period=$PERIOD" | jq -r '.items[] | [.startedAt, .trigger, (if .dryRun then "dry run" else "sync" end), .status] | @tsv'
echo '# 8'; for i in $(seq 20); do api $C/payroll-syncs/$SYNC | jq -e .email > /dev/null && break; sleep 1; done
api $C/payroll-syncs/$SYNC | jq -c .email
curl -sS $MAIL/api/messages | jq -r '.[] | [.receivedAt, (.to | join(",")), .subject, "'"$MAIL"'/messages/" + .id] | @tsv'
api $C/payroll-syncs/$SYNC/summary-email -o summary.html -w '%{http_code} %{content_type}\n'
echo '# 9'; for i in $(seq 20); do AGAIN=$(api -X POST $C/payroll-syncs/$SYNC/retry -d '{}' | jq -er .syncId) && break; sleep 1; done   # 409 while step 6 still sends its email
wait_sync $AGAIN
# Four eyes on the next month: approval required, a sync started by one person waits with its preview, a second person approves
Y=${PERIOD%-*}; M=$((10#${PERIOD#*-})); NEXT=$([ $M = 12 ] && echo "$((Y + 1))-01" || printf '%s-%02d' $Y $((M + 1)))
COMPANY=$(api $C | jq -c '{name, managerEmails, locale, timezone, payrollCutoffDay, approvalReminderAfterHours, approvalExpiresAfterHours}')
echo '# 10'; api -X PUT $C -d "$(jq -c '. + {approval: "required"}' <<<"$COMPANY")" | jq -c '{approval, approvalReminderAfterHours, approvalExpiresAfterHours}'
api -X PUT $C/payroll-periods/$NEXT/entries -d "$(api "$C/payroll-periods/$PERIOD/entries?limit=30" | jq -c '{entries: [.entries[] | {employeeEmail, benefitKey, amount}]}')" | jq -c '{period, entryCount}'
echo '# 11'; FOUR=$(api -X POST $C/payroll-syncs -d '{"period": "'"$NEXT"'", "actor": "hr@demo-gmbh.example"}' | jq -r .syncId)
wait_sync $FOUR
api $C/payroll-syncs/$FOUR | jq -c '{status, startedBy, approval: (.approval | {state, previewSyncId, expiresAt}), links: (.links | {preview, approve, reject})}'
PREVIEW=$(api $C/payroll-syncs/$FOUR | jq -r .approval.previewSyncId)
api $C/payroll-syncs/$PREVIEW | jq -c '{dryRun, previewOf, wouldCreate: .counts.wouldCreate, totals: [.totals[] | {benefitKey, entries, amount}]}'
echo '# 12'; api -X POST $C/payroll-syncs/$FOUR/approve -d '{"actor": "hr@demo-gmbh.example"}' | jq -c '{status, type, detail}'
echo '# 13'; api -X POST $C/payroll-syncs/$FOUR/approve -d '{"actor": "lohnbuchhaltung@demo-gmbh.example", "comment": "checked against the payroll sheet"}' | jq -c .
wait_sync $FOUR approved
api $C/payroll-syncs/$FOUR | jq -c '.approval | {state, decidedBy, decidedAt, comment}'
echo '# 14'; api -X PUT $C -d "$(jq -c '. + {approval: "none"}' <<<"$COMPANY")" | jq -c '{approval}'
