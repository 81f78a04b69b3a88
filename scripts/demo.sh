#!/usr/bin/env bash
# The main job, end to end on the bundled fixture data (Fashion-MNIST subset, fixtures/).
# Installs what is missing, builds a release binary, then runs every pipeline stage:
#   train -> prune (IMP lottery tickets until one fits the chip, each level also scored on held-out
#   training images) -> export the best-fitting ticket (compile for a chip) -> simulate -> inspect,
#   then the float-vs-integer comparison, a NIR round trip (export --format nir, import, evaluate)
#   and an HTML report of it all (snnc report: out/demo/report.html).
# Outputs go to out/demo/ (override with SNNC_DEMO_OUT). Takes a few minutes after the build;
# the model is tiny and trained on 1,800 images for 2 epochs, so accuracies are far below the
# paper's: the demo shows the pipeline, not the science (see experiments/ for that).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
echo "== building snnc (release)" >&2
swift build -c release --product snnc
snnc="$(swift build -c release --show-bin-path)/snnc"
out="${SNNC_DEMO_OUT:-out/demo}"
mkdir -p "$out"
data=(--data-dir fixtures/fashion-mnist)
start=$SECONDS
step() { echo; echo "== $*" >&2; }

step "1. train: VGG16 at width 1/8, T = 5, 2 epochs on 1,800 of the 2,000 training images (200 stay held out)"
"$snnc" train --model vgg16 --width 0.125 "${data[@]}" --train-subset 1800 --epochs 2 --seed 1 --force -o "$out/dense.h5"

step "2. the dense model does not fit the 'edge' chip profile (an error is expected here)"
if "$snnc" export "$out/dense.h5" --target edge --force -o "$out/dense.edge.snn.h5"; then
    echo "(unexpected: the dense model fits)" >&2
fi

step "3. prune: IMP with late rewinding until a level fits 'edge' (every level compiled as export would), one round more;"
echo "   every level also evaluated on the 200 held-out training images (the validation set)" >&2
"$snnc" prune --from "$out/dense.h5" --method imp --until-fits --extra-rounds-after-fit 1 --target edge \
    --validation-subset 200 "${data[@]}" --force -o "$out/tickets.h5"

step "4. export the best-fitting ticket for 'edge' (of the levels that fit, the best on the validation set):"
echo "   fold BN, quantise, CSR tables, core map" >&2
"$snnc" export "$out/tickets.h5" --level best-fit --target edge --force -o "$out/ticket.snn.h5"

step "5. simulate: event-driven integer simulator, checked spike for spike against the dense reference"
"$snnc" simulate "$out/ticket.snn.h5" --data-dir fixtures/fashion-mnist --limit 200 --check \
    --calibration-out "$out/calibration.json"

step "6. export it again with the measured spike counts, then inspect the budget"
"$snnc" export "$out/tickets.h5" --level best-fit --target edge --calibration "$out/calibration.json" --force -o "$out/ticket.snn.h5"
"$snnc" inspect "$out/ticket.snn.h5"

step "7. budgets: a 128 KiB memory budget is exceeded (exit status 3 is expected here)"
set +e
"$snnc" inspect "$out/ticket.snn.h5" --budget memory=128KiB,cores=64 > /dev/null
status=$?
set -e
echo "inspect --budget exited with status $status" >&2

step "8. compare: the float ticket against its integer export, layer by layer, on the same images"
"$snnc" simulate "$out/ticket.snn.h5" --data-dir fixtures/fashion-mnist --limit 200 --compare "$out/tickets.h5"

step "9. NIR round trip: the same ticket as a plain NIR file for other tools, imported back and evaluated"
"$snnc" export "$out/tickets.h5" --level best-fit --format nir --force -o "$out/ticket.nir"
# NIR does not record preprocessing: say it (snnc's Fashion-MNIST normalisation, the one the ticket was trained on)
"$snnc" import "$out/ticket.nir" --normalize 0.2860,0.3530 --force -o "$out/imported.h5"
"$snnc" evaluate "$out/tickets.h5" --level best-fit --data-dir fixtures/fashion-mnist   # the ticket itself ...
"$snnc" evaluate "$out/imported.h5" --data-dir fixtures/fashion-mnist   # ... and after the round trip

step "10. report: one HTML page with the plots of the search, the deployment and the comparison"
# The comparison of step 8 again (same images, same numbers), as JSON for the report.
"$snnc" simulate "$out/ticket.snn.h5" --data-dir fixtures/fashion-mnist --limit 200 --compare "$out/tickets.h5" --json \
    > "$out/compare.json"
"$snnc" report "$out/tickets.h5" "$out/ticket.snn.h5" "$out/calibration.json" "$out/compare.json" \
    --budget memory=128KiB,cores=64 --title "snnc demo: VGG16/8 ticket on edge" -o "$out/report.html"

echo
echo "Demo finished in $((SECONDS - start)) s. Outputs in $out/:"
ls -l "$out"
echo
echo "Report (open in a browser, works offline): $out/report.html"
