"""Training script of the day-1 example: logs with the SDK v1 run context."""
import argparse
import os

from azureml.core import Run

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--lr", type=float, default=0.01)
args = parser.parse_args()

run = Run.get_context()
run.tag("framework", "pytorch")

loss = 1.0
for epoch in range(args.epochs):
    loss = loss * 0.5
    run.log("loss", loss, "training loss")
run.log("accuracy", 0.91)
run.log_list("lr_schedule", [args.lr, args.lr / 10])
run.log_row("final", epoch=args.epochs, loss=loss)

os.makedirs("outputs", exist_ok=True)
with open("outputs/model.txt", "w") as fh:
    fh.write(f"loss={loss}\n")
run.upload_file("outputs/model.txt", "outputs/model.txt")
run.complete()
