#!/usr/bin/env bash
# The GPU checks of issue 12 in one run (the timeouts add up to 7.7 minutes on an H200):
# the CUDA tests (including the sync-debug test, tests/mada/test_engine.py, which runs steps
# torch.cuda.set_sync_debug_mode("error")), then both benchmarks on CUDA.
# Usage, from the repository root on a machine with a GPU:
#     bash benchmarks/cuda_check.sh [OUTDIR]        # OUTDIR default: ./cuda_check_out
set -u
out="${1:-cuda_check_out}"
mkdir -p "$out"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
python -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; \
print(torch.__version__, torch.cuda.get_device_name())" | tee "$out/device.txt" || exit 1

status=0
# 1. The CUDA tests: every test marked cuda (devices, fused, state_dict, monitor, sync; the
#    safeguard on CUDA against its NumPy equation and in the sync check).
timeout 180 python -m pytest -q -p no:cacheprovider -m cuda tests/mada \
    tests/analysis/experiments/test_monitor.py 2>&1 | tail -40 | tee "$out/tests.txt"
status=$((status | PIPESTATUS[0]))

# 2. The optimizer step: torch Adam fused as the baseline, GPT-2 124M shapes, the 148 tiny
#    tensors, GB/s against the copy bandwidth; the fused and the foreach MADA paths.
for path in fused foreach; do
    timeout 90 python benchmarks/optimizer_step.py --quick --device cuda --mada-path "$path" \
        --impls torch_adam,torch_adam_fused,mada_adam,mada_full --json "$out/step_$path.json" \
        2>&1 | tail -20 | tee "$out/step_$path.txt"
    status=$((status | PIPESTATUS[0]))
done

# 3. A training step of the 85M char-GPT (12 layers, n_embd 768, block 256, batch 16) against
#    AdamW(fused=True).
timeout 100 python benchmarks/train_step.py --device cuda --n-layer 12 --n-head 12 \
    --n-embd 768 --block-size 256 --batch-size 16 --repeats 3 2>&1 | tail -12 \
    | tee "$out/train.txt"
status=$((status | PIPESTATUS[0]))
exit "$status"
