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

For families with tetrahedral marks only, "exact" numbers each member's
stereoisomer by an exact test independent of any canonical ranking: two
members are the same when some graph isomorphism between them (RDKit
GetSubstructMatches, uniquify=False, chirality ignored) maps every marked
atom onto a marked atom with the same configuration (the tag, corrected by
the parity of the neighbour permutation). Where RDKit's canonical strings
split or merge what this test finds, the Go test holds chem to "exact";
randomized spellings are kept only when this test finds them the same
molecule as the member, and "canonical_same" says whether RDKit's
canonical string itself is.

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
    # RDKit 2022.09 gives the mirror images of the cis,trans triad one string
    ("partly marked inositol", "O[C?H]1[C?H](O)[C?H](O)C(O)C(O)C1O"),
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
    ("2,5-dimethyloctahydropentalene, fusion unmarked", "C[C?H]1CC2C[C?H](C)CC2C1"),
    ("2,5-dimethyloctahydropentalene", "C[C?H]1C[C?H]2C[C?H](C)C[C?H]2C1"),
    ("4-methylcyclohexyl ethanol", "C[C?H](O)[C?H]1CC[C?H](C)CC1"),
    ("1,1'-bi(3-methylcyclobutyl)", "C[C?H]1C[C?H](C1)[C?H]1C[C?H](C)C1"),
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
    ("hex-3-ene-2,5-diol", "C[C?H](O)!C=C![C?H](C)O"),
    ("3-(1-hydroxyethyl)pentane-2,4-diol", "C[C?H](O)C([C?H](C)O)[C?H](C)O"),
    # double bonds that make, or are made, stereogenic
    ("hepta-2,5-dien-4-ol", "C!C=C![C?H](O)!C=C!C"),
    ("double bond between enantiomeric branches", "C!C=C(![C?H](C)O)[C?H](C)O"),
    ("nona-2,7-diene pseudo-asymmetric", "C!C=C!C[C?H](O)C!C=C!C"),
    ("hexa-2,4-diene", "C!C=C!C=C!C"),
]

SEEDS = (1000, 1001, 1002)


def perm_odd(p):
    odd = False
    for i in range(len(p)):
        for j in range(i + 1, len(p)):
            if p[i] > p[j]:
                odd = not odd
    return odd


def same_stereoisomer(a, b):
    """Whether some isomorphism b -> a keeps every tetrahedral mark."""
    unset = Chem.ChiralType.CHI_UNSPECIFIED
    ta = [x.GetChiralTag() for x in a.GetAtoms()]
    tb = [x.GetChiralTag() for x in b.GetAtoms()]
    for match in a.GetSubstructMatches(b, uniquify=False, useChirality=False, maxMatches=1000000):
        ok = True
        for j, atom in enumerate(b.GetAtoms()):
            i = match[j]
            if (tb[j] == unset) != (ta[i] == unset):
                ok = False
                break
            if tb[j] == unset:
                continue
            nb = [bd.GetOtherAtomIdx(j) for bd in atom.GetBonds()]
            na = [bd.GetOtherAtomIdx(i) for bd in a.GetAtomWithIdx(i).GetBonds()]
            if (ta[i] == tb[j]) == perm_odd([na.index(match[x]) for x in nb]):
                ok = False
                break
        if ok:
            return True
    return False


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
    tetrahedral_only = "!" not in template
    members = []  # (smiles, mol)
    for smiles in expand(template):
        mol = Chem.MolFromSmiles(smiles)
        if mol is not None:
            members.append((smiles, mol))
    exact = []
    if tetrahedral_only:
        for k, (_, mol) in enumerate(members):
            for j in range(k):
                if same_stereoisomer(members[j][1], mol):
                    exact.append(exact[j])
                    break
            else:
                exact.append(max(exact, default=-1) + 1)
    for k, (smiles, mol) in enumerate(members):
        canonical = Chem.MolToSmiles(mol)
        randomized = []
        for seed in SEEDS:
            rdBase.SeedRandomNumberGenerator(seed)
            r = Chem.MolToSmiles(mol, doRandom=True, canonical=False)
            back = Chem.MolFromSmiles(r)
            if back is None or Chem.MolToSmiles(back) != canonical or r in randomized:
                continue  # only spellings RDKit itself reads back
            if tetrahedral_only and not same_stereoisomer(mol, back):
                continue  # RDKit wrote another stereoisomer
            randomized.append(r)
        rec = {"family": family, "smiles": smiles, "canonical": canonical,
               "randomized": randomized}
        if tetrahedral_only:
            rec["exact"] = exact[k]
            # False when RDKit's canonical string reads back as another
            # stereoisomer (so it is no spelling of this one)
            rec["canonical_same"] = same_stereoisomer(mol, Chem.MolFromSmiles(canonical))
        json.dump(rec, sys.stdout, separators=(",", ":"))
        sys.stdout.write("\n")
