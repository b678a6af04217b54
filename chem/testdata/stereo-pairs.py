#!/usr/bin/python3
"""Writes stereo-pairs.jsonl: RDKit 2022.09.3 canonical SMILES for families of
stereoisomers, for the chem package's stereo identity test.

Each family is a SMILES template whose '?' marks are filled with '@' or '@@'
and whose '!' marks with '/' or '\\', in every combination: the members are
the stereoisomers (and mis-written duplicates) of one constitution. The Go
test checks that two members get the same canonical SMILES from chem exactly
when they get the same one from RDKit. Each line also carries up to three
randomized spellings (Chem.MolToSmiles(mol, doRandom=True, canonical=False)
with fixed seeds) that RDKit reads back to the same canonical string.

Run with Debian's python3-rdkit (202209.3-1):
    /usr/bin/python3 chem/testdata/stereo-pairs.py > chem/testdata/stereo-pairs.jsonl
"""
import itertools
import json
import sys

from rdkit import Chem, RDLogger, rdBase

RDLogger.DisableLog("rdApp.*")

FAMILIES = [
    # tropanes: exo/endo (tropine/pseudotropine) at the pseudo-asymmetric C3
    ("tropine", "CN1[C?H]2CC[C?H]1C[C?H](O)C2"),
    ("nortropine", "N1[C?H]2CC[C?H]1C[C?H](O)C2"),
    ("tropan-3-amine", "CN1[C?H]2CC[C?H]1C[C?H](N)C2"),
    ("tropine without bridgehead marks", "CN1C2CCC1C[C?H](O)C2"),
    ("tropinone-derived ester", "CN1[C?H]2CC[C?H]1C[C?H](OC(=O)c1ccccc1)C2"),
    # inositols: the 9 stereoisomers of cyclohexane-1,2,3,4,5,6-hexol
    ("inositol", "O[C?H]1[C?H](O)[C?H](O)[C?H](O)[C?H](O)[C?H]1O"),
    # Not here: three marked centres in a row beside three unmarked
    # equivalent ones ("O[C?H]1[C?H](O)[C?H](O)C(O)C(O)C1O"). RDKit 2022.09
    # gives the two mirror images of the chiral cis,trans triad one
    # canonical string, and its own randomized spellings of one of them
    # come out as either (checked by the parity of each centre's tag against
    # its ring neighbours); chem keeps them apart, see canon_test.go.
    ("cyclohexane-1,2,3-triol", "O[C?H]1CCC[C?H](O)[C?H]1O"),
    ("cyclohexane-1,3,5-triol", "O[C?H]1C[C?H](O)C[C?H](O)C1"),
    # 1,3-disubstituted cyclobutanes
    ("1,3-dimethylcyclobutane", "C[C?H]1C[C?H](C)C1"),
    ("3-methylcyclobutanol", "O[C?H]1C[C?H](C)C1"),
    ("cyclobutane-1,3-dicarboxylic acid", "OC(=O)[C?H]1C[C?H](C(=O)O)C1"),
    ("3-phenylcyclobutanamine", "N[C?H]1C[C?H](c2ccccc2)C1"),
    ("1-methyl-3-methylcyclobutanol", "C[C?]1(O)C[C?H](C)C1"),
    # decalins
    ("decalin", "C1CC[C?H]2CCCC[C?H]2C1"),
    ("2-decalol", "O[C?H]1CC[C?H]2CCCC[C?H]2C1"),
    ("2,6-dimethyldecalin", "C[C?H]1CC[C?H]2C[C?H](C)CC[C?H]2C1"),
    ("2,6-dimethyldecalin, fusion unmarked", "C[C?H]1CC2CC[C?H](C)CC2C1"),
    ("9-methyldecalin", "C[C?]12CCCC[C?H]1CCCC2"),
    ("hydrindane", "C1C[C?H]2CCCC[C?H]2C1"),
    # 1,4-disubstituted cyclohexanes
    ("1,4-dimethylcyclohexane", "C[C?H]1CC[C?H](C)CC1"),
    ("4-tert-butylcyclohexanol", "CC(C)(C)[C?H]1CC[C?H](O)CC1"),
    ("tranexamic acid", "NC[C?H]1CC[C?H](C(=O)O)CC1"),
    ("cyclohexane-1,4-diol", "O[C?H]1CC[C?H](O)CC1"),
    ("1,4-dimethylcyclohexanol", "C[C?]1(O)CC[C?H](C)CC1"),
    ("4-aminocyclohexanol", "N[C?H]1CC[C?H](O)CC1"),
    # other rings
    ("1,2-dimethylcyclohexane", "C[C?H]1CCCC[C?H]1C"),
    ("1,3-dimethylcyclohexane", "C[C?H]1CCC[C?H](C)C1"),
    ("1,3,5-trimethylcyclohexane", "C[C?H]1C[C?H](C)C[C?H](C)C1"),
    ("1,2,3-trimethylcyclohexane", "C[C?H]1CCC[C?H](C)[C?H]1C"),
    ("1,3-dimethylcyclopentane", "C[C?H]1CC[C?H](C)C1"),
    ("1,2,3-trimethylcyclopropane", "C[C?H]1[C?H](C)[C?H]1C"),
    ("2,5-dimethylpiperazine", "C[C?H]1CN[C?H](C)CN1"),
    ("2,6-dimethylpiperidin-4-ol", "C[C?H]1C[C?H](O)C[C?H](C)N1"),
    ("3,5-dimethylpiperidine", "C[C?H]1CNC[C?H](C)C1"),
    ("2,6-dimethylspiro[3.3]heptane", "C[C?H]1CC2(C1)C[C?H](C)C2"),
    ("borneol", "CC1(C)[C?H]2CC[C?]1(C)[C?H](O)C2"),
    ("glucopyranose", "OC[C?H]1O[C?H](O)[C?H](O)[C?H](O)[C?H]1O"),
    ("cyclooctene", "C1CCC!C=C!CC1"),
    ("cyclododecene", "C1CCCCC!C=C!CCCC1"),
    # acyclic pseudo-asymmetric centres
    ("pentitol", "OC[C?H](O)[C?H](O)[C?H](O)CO"),
    ("trihydroxyglutaric acid", "OC(=O)[C?H](O)[C?H](O)[C?H](O)C(=O)O"),
    ("pentane-2,3,4-triol", "C[C?H](O)[C?H](O)[C?H](C)O"),
    ("hexitol", "OC[C?H](O)[C?H](O)[C?H](O)[C?H](O)CO"),
    ("heptitol", "OC[C?H](O)[C?H](O)[C?H](O)[C?H](O)[C?H](O)CO"),
    ("butane-2,3-diol", "C[C?H](O)[C?H](C)O"),
    # double bonds that make, or are made, stereogenic
    ("hepta-2,5-dien-4-ol", "C!C=C![C?H](O)!C=C!C"),
    ("double bond between enantiomeric branches", "C!C=C(![C?H](C)O)[C?H](C)O"),
    ("nona-2,7-diene pseudo-asymmetric", "C!C=C!C[C?H](O)C!C=C!C"),
    ("hexa-2,4-diene", "C!C=C!C=C!C"),
]

SEEDS = (1000, 1001, 1002)


def expand(template):
    slots = [c for c in template if c in "?!"]
    choices = [("@", "@@") if c == "?" else ("/", "\\") for c in slots]
    for combo in itertools.product(*choices):
        out, k = [], 0
        for c in template:
            if c in "?!":
                out.append(combo[k])
                k += 1
            else:
                out.append(c)
        yield "".join(out)


for family, template in FAMILIES:
    for smiles in expand(template):
        mol = Chem.MolFromSmiles(smiles)
        if mol is None:
            continue
        canonical = Chem.MolToSmiles(mol)
        randomized = []
        for seed in SEEDS:
            rdBase.SeedRandomNumberGenerator(seed)
            r = Chem.MolToSmiles(mol, doRandom=True, canonical=False)
            back = Chem.MolFromSmiles(r)
            if back is not None and Chem.MolToSmiles(back) == canonical and r not in randomized:
                randomized.append(r)  # only spellings RDKit itself reads back
        json.dump({"family": family, "smiles": smiles, "canonical": canonical,
                   "randomized": randomized}, sys.stdout, separators=(",", ":"))
        sys.stdout.write("\n")
