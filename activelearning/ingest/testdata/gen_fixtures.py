# Fixtures for activelearning/ingest, written with RDKit 2022.09.3 (Debian python3-rdkit).
# Run from this directory: /usr/bin/python3 gen_fixtures.py, then gzip -9nk multi.sdf.
# The last record of v3000.sdf (HAND below) is written by hand; RDKit reads it as CC[NH3+]. Printed SMILES are the reference values of the tests.
import csv, sys

HAND = """ethylammonium, continued lines
  handmade: atom numbers 10/20/30, a line continued with "-", a SGROUP block

  0  0  0  0  0  0  0  0  0  0999 V3000
M  V30 BEGIN CTAB
M  V30 COUNTS 3 2 1 0 0
M  V30 BEGIN ATOM
M  V30 10 C 0 0 0 0
M  V30 20 C 1.5 0 0 -
M  V30 0
M  V30 30 N 3 0 0 0 CHG=1
M  V30 END ATOM
M  V30 BEGIN BOND
M  V30 1 1 10 20
M  V30 2 1 20 30
M  V30 END BOND
M  V30 BEGIN SGROUP
M  V30 1 DAT 0 ATOMS=(1 30) FIELDNAME="note" FIELDDATA="a ""quoted"" note"
M  V30 END SGROUP
M  V30 END CTAB
M  END
> <name>
ethylammonium

$$$$
"""
from rdkit import Chem
from rdkit.Chem import Descriptors, Crippen, AllChem

rows = list(csv.DictReader(open("../../../examples/esol.csv")))[:6]
w = Chem.SDWriter("multi.sdf")
ref = []
for i, r in enumerate(rows):
    m = Chem.MolFromSmiles(r["smiles"])
    m.SetProp("_Name", r["name"])
    m.SetProp("ID", "ESOL-%d" % (i + 1))
    m.SetProp("logS", r["value"])
    m.SetProp("MolWt", "%.3f" % Descriptors.MolWt(m))
    if i != 4:
        m.SetProp("MolLogP", "%.4f" % Crippen.MolLogP(m))
    w.write(m)
    ref.append((r["name"], Chem.MolToSmiles(m), m.GetPropsAsDict()))
w.close()
for x in ref: print(x)

print("--- V3000")
smis = [("acetate", "CC(=O)[O-]"), ("methanol-13C", "[13CH3]O"), ("pyridine N-oxide", "[O-][n+]1ccccc1"),
        ("sodium chloride", "[Na+].[Cl-]"), ("ethyl radical", "[CH2]C"), ("caffeine", "Cn1cnc2c1c(=O)n(C)c(=O)n2C"),
        ("deuterated benzene", "[2H]c1ccccc1")]
w = open("v3000.sdf", "w")
for name, s in smis:
    m = Chem.MolFromSmiles(s)
    m.SetProp("_Name", name)
    AllChem.Compute2DCoords(m)
    kek = name != "pyridine N-oxide" and name != "caffeine"
    block = Chem.MolToV3KMolBlock(m, kekulize=kek)
    w.write(block)
    w.write("> <name>\n%s\n\n$$$$\n" % name)
    back = Chem.MolFromMolBlock(block)
    print(name, Chem.MolToSmiles(back) if back else None)
w.write(HAND)
w.close()
for m in Chem.SDMolSupplier("v3000.sdf"):
    print(m.GetProp("_Name"), Chem.MolToSmiles(m))

print("--- esol_v3000.sdf.gz")
# Every 10th ESOL molecule as V3000 (kekulized and aromatic bond types in
# turn), each with RDKit's own reading of the block as a data item
# (isomericSmiles=False: the reader ignores stereochemistry; "NONE" when
# RDKit cannot read the block it wrote).
import gzip
rows = list(csv.DictReader(open("../../../examples/esol.csv")))[::10]
with gzip.GzipFile("esol_v3000.sdf.gz", "wb", mtime=0) as gz:
    for i, r in enumerate(rows):
        m = Chem.MolFromSmiles(r["smiles"])
        AllChem.Compute2DCoords(m)
        m.SetProp("_Name", r["name"])
        block = Chem.MolToV3KMolBlock(m, kekulize=(i % 2 == 0))
        back = Chem.MolFromMolBlock(block)
        # RDKit cannot read back some aromatic blocks (an [nH] loses its H): "NONE".
        ref = Chem.MolToSmiles(back, isomericSmiles=False) if back is not None else "NONE"
        gz.write((block + "> <logS>\n%s\n\n> <RDKIT_SMILES>\n%s\n\n$$$$\n" % (r["value"], ref)).encode())
print(len(rows), "records")
