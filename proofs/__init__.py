"""Machine-checked derivations of the theorems this package states itself.

The proof-step framework and the proofs arrive with the proofs issue; until then this
package holds no proof, and ``analysis`` states no theorem of its own.
"""
