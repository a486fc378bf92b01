"""A first look at jtorch: tensors, autograd and a compiled function, PyTorch-style."""
import jtorch as torch

x = torch.arange(6.0).reshape(2, 3)
print("x =", x)
print("x.t() @ x has shape", tuple((x.t().matmul(x)).shape) if hasattr(x, "matmul") else "(matmul pending)")

w = torch.ones(3, requires_grad=True)
loss = ((x * w).sin().sum(1) ** 2).mean()
loss.backward()
print("loss =", loss.item())
print("d loss / d w =", w.grad)

v = x[1]
v += 10  # a view writes through to its base
print("after x[1] += 10:", x)
