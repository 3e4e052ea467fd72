#!/usr/bin/env bash
# Side by side on the labelled tabular datasets in ../shared/data: pql's GBDT and logistic regression against
# the XGBoost and scikit-learn peers (../shared/peers/gbdt_peer.py), same 80/20 row-order split, 2 threads.
#   bash scripts/compare-public-datasets.sh            (needs: apt-get install -y python3-sklearn python3-xgboost python3-pandas)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
data=$here/../shared/data
peers=$here/../shared/peers
out=$(mktemp -d)
dotnet build -c Release "$here/src/Pql.Cli" -v q -nologo >/dev/null
pql="dotnet $here/src/Pql.Cli/bin/Release/net10.0/pql.dll"

split() { # file name: header + first 80% of the records -> train, header + the rest -> test (quoted newlines safe)
  /usr/bin/python3 -c "
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
k = (len(rows) - 1) * 8 // 10
for name, part in (('train', rows[1:k + 1]), ('test', rows[k + 1:])):
    w = csv.writer(open(sys.argv[2] + '.' + name + '.csv', 'w', newline=''), lineterminator='\n')
    w.writerow(rows[0]); w.writerows(part)" "$1" "$out/$2"
}
# telco: the label is Yes/No; TotalCharges is blank for 11 new customers.
split "$data/telco-churn/Telco-Customer-Churn.csv" telco
# xeducation: Lead Number is a sequence number, not a feature; drop it on both sides.
/usr/bin/python3 -c "
import csv, sys
rows = csv.reader(open(sys.argv[1], newline=''))
w = csv.writer(open(sys.argv[2], 'w', newline=''), lineterminator='\n')
for r in rows: w.writerow(r[:1] + r[2:])" "$data/xeducation-leads/Leads.csv" "$out/leads.csv"
split "$out/leads.csv" leads
{ echo "session_id,$(head -n 1 "$data/online-shoppers/online_shoppers_intention.csv")"; tail -n +2 "$data/online-shoppers/online_shoppers_intention.csv" | awk '{print NR "," $0}'; } > "$out/shoppers.csv"
split "$out/shoppers.csv" shoppers

printf '%-10s %-14s %8s %8s %8s %9s\n' dataset model "ROC AUC" "PR AUC" "log loss" "lift@10%"
run() { # name label id
  for m in gbdt logistic; do
    $pql learn --train "$out/$1.train.csv" --test "$out/$1.test.csv" --label "$2" --id "$3" --model $m --threads 2 \
      | /usr/bin/python3 -c "import json,sys; r=json.load(sys.stdin); print('%-10s %-14s %8.4f %8.4f %8.4f %9.2f' % ('$1', 'pql $m', r['roc_auc'], r['pr_auc'], r['log_loss'], r['lift_top_decile']))"
  done
  /usr/bin/python3 "$peers/gbdt_peer.py" --train "$out/$1.train.csv" --test "$out/$1.test.csv" --label "$2" --id "$3" --threads 2 --models xgb,lr 2>/dev/null \
    | /usr/bin/python3 -c "
import json,sys
for line in sys.stdin:
    r=json.loads(line); print('%-10s %-14s %8.4f %8.4f %8.4f %9.2f' % ('$1', 'peer '+r['model'], r['roc_auc'], r['pr_auc'], r['log_loss'], r['lift_top10']))"
}
run telco Churn customerID
run leads Converted "Prospect ID"
run shoppers Revenue session_id
rm -rf "$out"
