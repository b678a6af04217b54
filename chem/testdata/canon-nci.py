#!/usr/bin/python3
"""Writes canon-nci.jsonl: RDKit 2022.09.3 reference spellings and Morgan ids
for NCI molecules, for the chem package's canonical SMILES and Morgan tests.

Input: Debian's rdkit-data (202209.3-1) /usr/share/RDKit/Data/NCI/first_5K.smi.
Kept: molecules RDKit parses whose canonical SMILES has stereo marks or that
have at least three rings (the cases that stress canonical ranking), at
most 1500, in file order. Run with Debian's python3-rdkit (202209.3-1):
    /usr/bin/python3 chem/testdata/canon-nci.py > chem/testdata/canon-nci.jsonl
"""
import json
import sys

from rdkit import Chem, RDLogger, rdBase
from rdkit.Chem import AllChem

RDLogger.DisableLog("rdApp.*")
kept = 0
for line in open("/usr/share/RDKit/Data/NCI/first_5K.smi"):
    parts = line.split()
    if not parts:
        continue
    mol = Chem.MolFromSmiles(parts[0])
    if mol is None:
        continue
    canonical = Chem.MolToSmiles(mol)
    rings = mol.GetRingInfo().NumRings()
    if not any(c in canonical for c in "@/\\") and rings < 3:
        continue
    randomized = []
    for seed in range(1000, 1005):
        rdBase.SeedRandomNumberGenerator(seed)
        r = Chem.MolToSmiles(mol, doRandom=True, canonical=False)
        back = Chem.MolFromSmiles(r)
        if back is not None and Chem.MolToSmiles(back) == canonical:
            randomized.append(r)  # only spellings RDKit itself reads back
    counts = AllChem.GetMorganFingerprint(mol, 2).GetNonzeroElements()
    json.dump({"smiles": parts[0], "id": parts[1] if len(parts) > 1 else "",
               "canonical": canonical, "randomized": randomized,
               "morgan2_counts": {str(k): v for k, v in sorted(counts.items())}},
              sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")
    kept += 1
    if kept == 1500:
        break
