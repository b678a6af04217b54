package chem

import "sync"

// Descriptors holds the molecular descriptors ActiveLab computes, each as
// RDKit 2022.09 computes it; JSON keys are those of the golden file
// shared/data/chem-golden.jsonl.
type Descriptors struct {
	HeavyAtoms     int     `json:"heavy_atoms"`     // GetNumHeavyAtoms
	TotalHs        int     `json:"total_hs"`        // H atoms after AddHs
	Formula        string  `json:"formula"`         // CalcMolFormula
	MolWt          float64 `json:"mol_wt"`          // Descriptors.MolWt
	ExactMass      float64 `json:"exact_mass"`      // Descriptors.ExactMolWt
	FormalCharge   int     `json:"formal_charge"`   // GetFormalCharge
	RingCount      int     `json:"ring_count"`      // CalcNumRings (SSSR)
	AromaticRings  int     `json:"aromatic_rings"`  // CalcNumAromaticRings
	AromaticAtoms  int     `json:"aromatic_atoms"`  // atoms with GetIsAromatic
	HBD            int     `json:"hbd"`             // Lipinski.NumHDonors
	HBA            int     `json:"hba"`             // Lipinski.NumHAcceptors
	NHOHCount      int     `json:"nhoh_count"`      // Lipinski.NHOHCount
	NOCount        int     `json:"no_count"`        // Lipinski.NOCount
	TPSA           float64 `json:"tpsa"`            // CalcTPSA (N and O)
	RotatableBonds int     `json:"rotatable_bonds"` // CalcNumRotatableBonds (Strict)
	FractionCSP3   float64 `json:"fraction_csp3"`   // CalcFractionCSP3
	CrippenLogP    float64 `json:"crippen_logp"`    // Crippen.MolLogP
	CrippenMR      float64 `json:"crippen_mr"`      // Crippen.MolMR
}

// Describe computes all descriptors of m. It reads m only, so it is safe
// to call concurrently on the same molecule.
func Describe(m *Mol) Descriptors {
	s := descPool.Get().(*descScratch)
	defer descPool.Put(s)
	g, gh := &s.g, &s.gh
	g.build(m, false)
	gh.build(m, true)
	logP, mr := crippen(gh)
	return Descriptors{
		HeavyAtoms:     NumHeavyAtoms(m),
		TotalHs:        NumHydrogens(m),
		Formula:        MolFormula(m),
		MolWt:          MolWt(m),
		ExactMass:      ExactMolWt(m),
		FormalCharge:   FormalCharge(m),
		RingCount:      len(m.Rings()),
		AromaticRings:  NumAromaticRings(m),
		AromaticAtoms:  NumAromaticAtoms(m),
		HBD:            g.countAtomMatches(hbdPattern),
		HBA:            g.countAtomMatches(hbaPattern),
		NHOHCount:      NHOHCount(m),
		NOCount:        NOCount(m),
		TPSA:           TPSA(m),
		RotatableBonds: g.countBondMatches(rotatablePattern),
		FractionCSP3:   FractionCSP3(m),
		CrippenLogP:    logP,
		CrippenMR:      mr,
	}
}

// descScratch holds the query graphs Describe reuses between molecules.
type descScratch struct{ g, gh qGraph }

var descPool = sync.Pool{New: func() any { return new(descScratch) }}
