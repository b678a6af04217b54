// Package chem reads molecules from SMILES and describes them as RDKit
// 2022.09 does: the same hydrogens, rings, aromaticity, canonical identity,
// Morgan fingerprints and descriptors, in pure Go with no I/O.
//
// # Parsing
//
// Parse reads OpenSMILES: organic-subset and bracket atoms (isotope,
// chirality @ @@ @TH1 @TH2, hydrogen count, charge as +, ++, +2, atom class),
// bonds - = # $ : / \ and ~, branches, ring closures (digits, %nn, %(nnn),
// reused numbers, a bond symbol on either side), '.' components, aromatic
// b c n o p s and, in brackets, se as te. The SMILES ends at the first
// whitespace, as RDKit reads "CCO ethanol".
//
// Parse then sanitizes the molecule in RDKit's order:
//
//   - hydrogen atoms written as atoms ([H]C) are folded into their
//     neighbour's hydrogen count unless RDKit keeps them (isotopes such as
//     [2H], charged H such as a lone [H+], H on H or on '*');
//   - MolOps::cleanUp: nitro groups written N(=O)=O become [N+](=O)[O-],
//     azides N=N#N become N=[N+]=[N-], perhalates get charge-separated;
//   - valences: organic-subset atoms get implicit hydrogens up to the
//     smallest allowed valence (N 3, C 4, S 2/4/6, P 3/5, halogens 1, B 3);
//     a charge shifts the valence as RDKit does (N+ like C, O+ like N, [B-]
//     like C); any atom above its largest allowed valence is an error;
//   - rings: RDKit's own ring search (findSSSR, then symmetrizeSSSR), so
//     len(m.Rings()) is RDKit's CalcNumRings (adamantane 4, cubane 6) and
//     the same rings are chosen when several are equally small;
//   - kekulization of aromatic input (an error when impossible, or when an
//     aromatic atom is outside every ring), then aromaticity perceived again
//     with RDKit's default model (4n+2 electrons over single rings and fused
//     ring systems), so C1=CC=CC=C1 and c1ccccc1 give the same molecule;
//   - finally, as RDKit's adjustHs and last updatePropertyCache, implicit
//     hydrogens are recomputed on the final structure without losing any.
//
// The rules were taken from RDKit's sources (SmilesParse, MolOps cleanUp
// and sanitizeMol, Atom valences, FindRings, Kekulize, Aromaticity) and
// checked against RDKit 2022.09.3 itself: the 3120 golden molecules, the
// 4999 NCI molecules of Debian's rdkit-data, edge cases and 3000 random
// mutations of real SMILES (testdata/parse-rdkit-*.tsv).
//
// # Errors
//
// Every failure is a *ParseError with the byte offset of the culprit and a
// sentence such as "ring bond 1 opened at offset 1 is never closed" or
// "carbon at offset 0 has valence 5, more than allowed (4)". It wraps one of
// ErrEmpty, ErrSyntax, ErrBracket, ErrElement, ErrRing, ErrValence,
// ErrAromaticity or ErrChirality for errors.Is (and, for a SMARTS query,
// ErrUnsupported).
//
// Policy: the empty string, and a string that starts with whitespace, are
// rejected with ErrEmpty. RDKit returns a molecule with no atoms for "", but
// a compound with no atoms is never what a user of this project means.
//
// Non-tetrahedral chirality (@AL, @SP, @TB, @OH with valid numbers) is
// accepted and dropped; @TH3 and other unknown classes are errors.
//
// Parse never panics, and its running time is polynomial in the input
// length (kekulization uses a maximum matching, not backtracking; the ring
// search and the fused-ring aromaticity combinations are bounded).
//
// # The molecule
//
// A *Mol is read-only after Parse and safe for concurrent reads. Atoms are
// in written order; bonds are numbered as RDKit numbers them (chain bonds,
// then ring closures by ring number). Neighbors(i) follows OpenSMILES order
// (preceding atom, ring closures, branches, next atom), and Atom.Chiral is
// relative to [hydrogen first, then Neighbors(i)]. Bond.Order is aromatic
// for bonds RDKit perceives as aromatic; Bond.Kekule always holds a Kekulé
// order. Hydrogens are counts (Atom.ExplicitH, Atom.ImplicitH) except the
// hydrogen atoms RDKit keeps ([2H], a lone [H+]).
//
// # Canonical SMILES and stereo identity
//
// CanonicalSMILES gives one string per molecule, not RDKit's string but the
// same identity: two inputs share it exactly when RDKit 2022.09 gives them
// one canonical SMILES. Which stereo marks count follows RDKit's legacy
// perception: a centre whose neighbours all differ, and a double bond whose
// ends each carry different substituents, are stereo elements; their
// configurations then tell apart neighbours the graph alone cannot (the
// enantiotopic bridgeheads of tropine), and marks rejected for two
// equivalent neighbours are checked again until nothing changes, so
// pseudo-asymmetric (r/s) centres are kept: tropine and pseudotropine,
// ribitol and xylitol, stay two compounds. Marks still tied describe ring
// cis/trans (1,4-dimethylcyclohexane, 1,3-disubstituted cyclobutanes) when
// another such mark lies in the same ring system; any other mark that
// describes no stereo element is dropped. The stereo families of
// testdata/stereo-pairs.jsonl (tropanes, the nine inositols, decalins,
// alditols, ...) hold this against RDKit, and against an exact test (an
// isomorphism that keeps every tetrahedral configuration) where RDKit's
// strings are wrong: RDKit merges the mirror images of
// O[C@H]1[C@H](O)[C@H](O)C(O)C(O)C1O and gives one stereoisomer of
// 2,5-dimethyloctahydropentalene, and one of 1,1'-bi(3-methylcyclobutyl),
// two strings; chem follows the exact test there. When stereocentres are
// still undetermined at a tie (symmetric rings whose cis/trans relation
// tells them apart), the tie is broken by completing the ranking from each
// candidate and keeping the smallest result (at most 32 completions per
// molecule).
//
// # Molfiles
//
// MolBlock writes a V2000 molfile: atoms, Kekulé bonds, charges, isotopes,
// radicals, the hydrogen counts RDKit's reader derives (the valence field
// where it would derive another), and the atom parity of every
// tetrahedral centre CanonicalSMILES keeps. It writes no coordinates:
// chem has no 2D layout, so a molfile carries no double-bond geometry
// (V2000 has only coordinates for it) and drawing programs lay the
// molecule out. The SDF reader in activelearning/ingest reads parities
// from such molfiles; the parities are checked against RDKit's
// AssignAtomChiralTagsFromMolParity on 4218 reference molecules.
//
// # Substructure search
//
// ParseSubstructure compiles a SMARTS query and SubstructureFromSMILES a
// SMILES one; Substructure.Matches then answers what RDKit's
// mol.HasSubstructMatch(query) answers with default parameters, for
// queries made by Chem.MolFromSmarts and Chem.MolFromSmiles respectively.
// The SMARTS dialect is RDKit's: its element symbols and aromatic forms,
// its extensions (h, d, z, Z, isotopes as bare numbers), ring closures
// with bonds on either side, recursive SMARTS and '.' for parts that may
// match anywhere (on distinct atoms). Chirality marks are read and
// ignored, as HasSubstructMatch ignores them by default; hybridization
// (^n) is rejected with ErrUnsupported, and component grouping "(C.C)"
// is rejected as RDKit rejects it.
//
// A SMILES query is a molecule: its atoms match atoms of the same element
// with the same charge, isotope and radical count where the query atom has
// them, in at least as many rings, whatever their hydrogens; its bonds
// match bonds of the same order. So C1=CC=CC=C1 finds benzene rings (Parse
// makes it aromatic) and CC finds no aromatic C-C bond. Bracket atoms
// without the hydrogens their valence needs are radicals in SMILES: [O-]
// or [N+](=O)[O-] on their own match only radicals, as in RDKit; such
// fragments are better written as SMARTS.
//
// The search is a backtracking subgraph match that starts from the query
// atom expected to be rarest and grows along query bonds, checking ring
// closures as soon as both ends are placed; it skips molecules lacking the
// elements the query needs. On the ESOL and BBBP molecules a query such as
// c1ccccc1 or C(=O)N searches several hundred thousand molecules a second
// (BenchmarkSubstructure). Agreement with RDKit 2022.09.3 is checked on 141
// queries against 542 molecules and on 48 queries RDKit rejects
// (testdata/substructure-golden.tsv, from testdata/gen_substructure.py).
//
// # Elements
//
// The periodic table is RDKit 2022.09's: ElementSymbol, AtomicNumber,
// AverageMass (MolWt), MonoisotopicMass and IsotopeMass (ExactMolWt),
// DefaultValence and AllowedValences, OuterElectrons.
package chem
