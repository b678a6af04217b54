#!/usr/bin/python3
"""Writes substructure-golden.tsv: RDKit 2022.09.3 substructure matches for
the chem package's Substructure tests (substructure_golden_test.go).

Run with Debian's python3-rdkit (202209.3-1), from the repository root:
    /usr/bin/python3 chem/testdata/gen_substructure.py > chem/testdata/substructure-golden.tsv

Molecules: every 6th record of /work/shared/data/chem-golden.jsonl (ESOL and
BBBP, see that directory's README), starting with the first, then EXTRA
below (isotopes, dummies, radicals, charges, ring systems the data set
lacks). All are parsed by RDKit and by chem.Parse.

For each query the matching molecules come from
    Chem.MolFromSmarts(q) (kind smarts) or Chem.MolFromSmiles(q) (kind smiles)
    mol.HasSubstructMatch(query)    # default parameters: useChirality=False
and are written as a hex bitstring, bit i (i = 0 first; 4 bits a digit, the
most significant first) set when molecule i matches. Queries RDKit rejects
(MolFromSmarts/MolFromSmiles returns None) are written as "reject" lines.

Output lines, tab-separated:
    mol     <smiles>
    query   smarts|smiles   <query>   <hex bits>
    reject  smarts|smiles   <query>
"""
import json
import sys

from rdkit import Chem, RDLogger, rdBase

RDLogger.DisableLog("rdApp.*")

EXTRA = [
    "[2H]C([2H])([2H])C(=O)O",   # isotopic hydrogens kept as atoms
    "[13CH3]c1ccccc1",            # isotope on a heavy atom
    "*c1ccccc1",                  # dummy atom
    "[1*]CC[2*]",                 # labelled dummies
    "C[CH2]",                     # radical
    "[CH3]",                      # methyl radical
    "C[N+](C)(C)C.[Cl-]",         # quaternary ammonium salt
    "[Na+].[O-]C(=O)c1ccccc1",    # sodium benzoate
    "C1CC2(C1)CCC2",              # spiro
    "C1CC2CCC1C2",                # bicyclo[2.2.1]heptane
    "C12C3C4C1C5C2C3C45",         # cubane
    "c1ccc2cc3ccccc3cc2c1",       # anthracene
    "c1cc[se]c1",                 # selenophene
    "C[Si](C)(C)Oc1ccccc1",       # silyl ether
    "O=[N+]([O-])c1ccc(cc1)N(=O)=O",  # nitro written both ways
    "C#CC#N",
    "N=[N+]=[N-]",
    "OB(O)c1ccccc1",
    "C[S+](C)[O-]",
    "C1CCCCCCCCCCC1",             # 12-membered ring
    "c1ccc2c(c1)[nH]c1ccccc12",   # carbazole
    "CC(=O)[O-].[NH4+]",
]

SMARTS = [
    "c1ccccc1",
    "C(=O)N",
    "C(=O)[OX2H1]",
    "[CX3](=O)[OX1H0-,OX2H1]",
    "[NX3;H2,H1;!$(NC=O)]",
    "[#6]1~[#6]~[#6]~[#6]~[#6]~[#6]~1",
    "c1ccc2ccccc2c1",
    "c1ccncc1",
    "[N+](=O)[O-]",
    "[$([NX3](=O)=O),$([NX3+](=O)[O-])][!#8]",
    "[F,Cl,Br,I]",
    "[Cl,Br,I]c",
    "C@C",
    "[#6]-&!@[#6]",
    "c-c",
    "[R2]",
    "[r5]",
    "[r3,r4]",
    "[x3]",
    "[OH]c1ccccc1",
    "C1CCCCC1",
    "C1CC1",
    "[c,n]1[c,n][c,n][c,n][c,n][c,n]1",
    "O=C1CCCN1",
    "S(=O)(=O)N",
    "[$(c1ccccc1)]-[$(c1ccccc1)]",
    "[CH3][CH2]",
    "[CH2X4][CH2X4][CH2X4][CH2X4]",
    "C#N",
    "C=C",
    "[#6]=[#8]",
    "[NX3;H0;!$(NC=O);!$(N-a)](C)(C)C",
    "c1ccc2[nH]ccc2c1",
    "[s,o]1cccc1",
    "C1CCNCC1",
    "C1COCCN1",
    "[!#6;!#1;R]",
    "[D4]",
    "[#7+,#8-]",
    "C%10CCCCC%10",
    "C%(123)CCC%(123)",
    "C1=CC=CC=C1",
    "[#6]1:[#6]:[#6]:[#6]:[#6]:[#6]:1",
    "c1ccccc1.c1ccccc1",
    "[#7].[#7].[#7]",
    "[+].[-]",
    "O.O.O.O.O.O.O.O",
    "[NH2]c1ccccc1",
    "[C@H](N)C(=O)O",
    "[C@@H]1CCCN1",
    "[#6]=,:[#6]-[#8;H1]",
    "[C;z2]",
    "[c;h1]",
    "[N;d3]",
    "[C;Z1;X4]",
    "[$(C(=O)[OH]),$(C(=O)N)]~*",
    "C(F)(F)F",
    "[O;X1]=[C;R]",
    "[2H]",
    "[13C]",
    "[#1]",
    "*",
    "[*;R0]~[*;R]",
    "[Na+,K+]",
    "[SX4](=O)(=O)",
    "c:1:c:c:c:c:c1",
    "C=1CCCCC=1",
    "[#6]=1-[#6]=[#6]-[#6]=[#6]-[#6]=1",
    "[c;r6]1[c;r6][c;r6][c;r6][c;r6][c;r6]1",
    "[C;R1]1[C;R1][C;R1][C;R1][C;R1]1",
    "C1C2CC1C2",
    "C12CCCCC1CCCC2",
    "[N;$(N-[#6]=[#8])]",
    "[$([#8;H1]-[#6]);!$([#8]-[#6]=[#8])]",
    "[v4;N+]",
    "[CH0;X3]=O",
    "[Se,se]",
    "[Si]",
    "[#5]",
    "[N-]=[N+]=N",
    "[S+][O-]",
    "[$(*1***1)]",
    "*1**1",
    "[a;!c]",
    "[A;!C;!#1]",
    "C=O.[OH]",
    "[1*]",
    "[CH2;!R]",
    "[R0;D2]",
    "c(:c)(:c):c",
    "[#6]~[#7]~[#6]~[#7]",
    "C1CCC2CCCCC2C1",
    "c1ccc2c(c1)cc1ccccc12",
    "[X3x2]",
    "[Sc,Cs,Co]",
    "[Nh]",
    "[H+]",
    "[H]",
    "[C+0;v4]-[O;+0]",
]

SMILES = [
    "C1=CC=CC=C1",
    "c1ccccc1",
    "[N+](=O)[O-]",
    "c1ccncc1",
    "C(=O)N",
    "C(=O)[OH]",
    "CC(=O)O",
    "c1ccc2ccccc2c1",
    "C1CCCCC1",
    "Cl",
    "c1ccsc1",
    "c1ccoc1",
    "c1cc[nH]c1",
    "C#N",
    "S(=O)(=O)N",
    "CN(C)C",
    "[O-]",
    "[NH3+]",
    "C=C",
    "OCCO",
    "Nc1ccccc1",
    "CC(C)C",
    "O=C1CCCN1",
    "C1CC1",
    "C",
    "CC",
    "O=C(O)c1ccccc1",
    "[Na+]",
    "Cl.Cl",
    "c1ccccc1.c1ccccc1",
    "[2H]C",
    "[13CH3]",
    "[CH3]",
    "*",
    "[1*]",
    "C~C",
    "C1CCCC2CCCCC12",
    "C1CCC2(C1)CCC2",
    "CN1CCC[C@H]1c1cccnc1",
    "[nH]1cccc1",
    "C1=CCC=C1",
    "c1ccc2[nH]ccc2c1",
]

REJECT_SMARTS = [
    "C1CC",
    "[C",
    "C(C",
    "C)C",
    "[Q]",
    "C11",
    "C1C1",
    "C12CC12",
    "(C.C)",
    "C..C",
    "C.",
    ".C",
    "C(.C)",
    "[$()]",
    "[C:1;X]",
    "C%5",
    "C%05CC%05",
    "C%(100000)CC%(100000)",
    "C!C",
    "[C@?]",
    "-C",
    "C=",
    "[cl]",
    "se",
    "[]",
    "C(=1)CC1",
    "C.1CC1",
    "C()C",
    "C=(C)",
    "[#]",
    "[H+;X]",
    "[C:01]",
    "C,C",
    "[Mc]",
    "[$(C]",
    "C[",
    "C]",
    "[C&]",
]

REJECT_SMILES = [
    "c1cccc1",
    "C(C)(C)(C)(C)C",
    "C1CC",
    "[Q]",
    "C(C",
    "c1ccccc1C(",
    "[C@?]",
    "C%5",
    "O=N(=O)(=O)C",
    "CC)",
]


def main():
    mols = []
    with open("/work/shared/data/chem-golden.jsonl") as f:
        for i, line in enumerate(f):
            if i % 6 == 0:
                mols.append(json.loads(line)["smiles"])
    mols += EXTRA
    parsed = []
    for s in mols:
        m = Chem.MolFromSmiles(s)
        if m is None:
            sys.exit("RDKit rejects molecule %r" % s)
        parsed.append(m)

    out = sys.stdout
    out.write("# RDKit %s substructure matches; written by gen_substructure.py, do not edit\n" % rdBase.rdkitVersion)
    for s in mols:
        out.write("mol\t%s\n" % s)

    def bits(q):
        n = len(parsed)
        digits = []
        for start in range(0, n, 4):
            d = 0
            for j in range(4):
                d <<= 1
                if start + j < n and parsed[start + j].HasSubstructMatch(q):
                    d |= 1
            digits.append("%x" % d)
        return "".join(digits)

    for kind, queries, make in (("smarts", SMARTS, Chem.MolFromSmarts), ("smiles", SMILES, Chem.MolFromSmiles)):
        for s in queries:
            q = make(s)
            if q is None:
                sys.exit("RDKit rejects %s query %r" % (kind, s))
            out.write("query\t%s\t%s\t%s\n" % (kind, s, bits(q)))
    for kind, queries, make in (("smarts", REJECT_SMARTS, Chem.MolFromSmarts), ("smiles", REJECT_SMILES, Chem.MolFromSmiles)):
        for s in queries:
            if make(s) is not None:
                sys.exit("RDKit accepts %s query %r meant as a rejection" % (kind, s))
            out.write("reject\t%s\t%s\n" % (kind, s))


if __name__ == "__main__":
    main()
