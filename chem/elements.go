package chem

// element is one row of the periodic table as RDKit 2022.09.3 describes it
// (generated from Debian python3-rdkit's PeriodicTable: GetAtomicWeight,
// GetMostCommonIsotope, GetMostCommonIsotopeMass, GetNOuterElecs,
// GetValenceList): average atomic weight, most common isotope and its mass,
// outer-shell electrons, and the allowed valences. A list that is just -1
// means any valence (no implicit hydrogens, no valence check); a trailing
// -1 (Mg, Ca, Sr, Ba, Ra: 2, -1) means any valence above the listed ones.
type element struct {
	z          uint8
	symbol     string
	name       string
	avgMass    float64
	commonA    uint16
	commonMass float64
	nOuter     int8
	valences   []int8
}

// elements is indexed by atomic number, 0 (the wildcard '*') to 118.
var elements = [...]element{
	{0, "*", "wildcard atom", 0.0, 0, 0.0, 0, []int8{-1}},
	{1, "H", "hydrogen", 1.008, 1, 1.007825032, 1, []int8{1}},
	{2, "He", "helium", 4.003, 4, 4.002603254, 2, []int8{0}},
	{3, "Li", "lithium", 6.941, 7, 7.01600455, 1, []int8{1}},
	{4, "Be", "beryllium", 9.012, 9, 9.0121822, 2, []int8{2}},
	{5, "B", "boron", 10.812, 11, 11.0093054, 3, []int8{3}},
	{6, "C", "carbon", 12.011, 12, 12.0, 4, []int8{4}},
	{7, "N", "nitrogen", 14.007, 14, 14.003074, 5, []int8{3}},
	{8, "O", "oxygen", 15.999, 16, 15.99491462, 6, []int8{2}},
	{9, "F", "fluorine", 18.998, 19, 18.99840322, 7, []int8{1}},
	{10, "Ne", "neon", 20.18, 20, 19.99244018, 8, []int8{0}},
	{11, "Na", "sodium", 22.99, 23, 22.98976928, 1, []int8{1}},
	{12, "Mg", "magnesium", 24.305, 24, 23.9850417, 2, []int8{2, -1}},
	{13, "Al", "aluminium", 26.982, 27, 26.98153863, 3, []int8{3, 6}},
	{14, "Si", "silicon", 28.086, 28, 27.97692653, 4, []int8{4, 6}},
	{15, "P", "phosphorus", 30.974, 31, 30.97376163, 5, []int8{3, 5, 7}},
	{16, "S", "sulfur", 32.067, 32, 31.972071, 6, []int8{2, 4, 6}},
	{17, "Cl", "chlorine", 35.453, 35, 34.96885268, 7, []int8{1}},
	{18, "Ar", "argon", 39.948, 40, 39.96238312, 8, []int8{0}},
	{19, "K", "potassium", 39.098, 39, 38.96370668, 1, []int8{1}},
	{20, "Ca", "calcium", 40.078, 40, 39.96259098, 2, []int8{2, -1}},
	{21, "Sc", "scandium", 44.956, 45, 44.9559119, 3, []int8{-1}},
	{22, "Ti", "titanium", 47.867, 48, 47.9479463, 4, []int8{-1}},
	{23, "V", "vanadium", 50.942, 50, 49.9471585, 5, []int8{-1}},
	{24, "Cr", "chromium", 51.996, 52, 51.9405075, 6, []int8{-1}},
	{25, "Mn", "manganese", 54.938, 55, 54.9380451, 7, []int8{-1}},
	{26, "Fe", "iron", 55.845, 56, 55.9349375, 8, []int8{-1}},
	{27, "Co", "cobalt", 58.933, 59, 58.933195, 9, []int8{-1}},
	{28, "Ni", "nickel", 58.693, 58, 57.9353429, 10, []int8{-1}},
	{29, "Cu", "copper", 63.546, 63, 62.9295975, 11, []int8{-1}},
	{30, "Zn", "zinc", 65.39, 64, 63.9291422, 2, []int8{-1}},
	{31, "Ga", "gallium", 69.723, 69, 68.9255736, 3, []int8{3}},
	{32, "Ge", "germanium", 72.61, 74, 73.9211778, 4, []int8{4}},
	{33, "As", "arsenic", 74.922, 75, 74.9215965, 5, []int8{3, 5, 7}},
	{34, "Se", "selenium", 78.96, 80, 79.9165213, 6, []int8{2, 4, 6}},
	{35, "Br", "bromine", 79.904, 79, 78.9183371, 7, []int8{1}},
	{36, "Kr", "krypton", 83.8, 84, 83.911507, 8, []int8{0}},
	{37, "Rb", "rubidium", 85.468, 85, 84.91178974, 1, []int8{1}},
	{38, "Sr", "strontium", 87.62, 88, 87.9056121, 2, []int8{2, -1}},
	{39, "Y", "yttrium", 88.906, 89, 88.9058483, 3, []int8{-1}},
	{40, "Zr", "zirconium", 91.224, 90, 89.9047044, 4, []int8{-1}},
	{41, "Nb", "niobium", 92.906, 93, 92.9063781, 5, []int8{-1}},
	{42, "Mo", "molybdenum", 95.94, 98, 97.9054082, 6, []int8{-1}},
	{43, "Tc", "technetium", 98.0, 97, 96.906365, 7, []int8{-1}},
	{44, "Ru", "ruthenium", 101.07, 102, 101.9043493, 8, []int8{-1}},
	{45, "Rh", "rhodium", 102.906, 103, 102.905504, 9, []int8{-1}},
	{46, "Pd", "palladium", 106.42, 106, 105.903486, 10, []int8{-1}},
	{47, "Ag", "silver", 107.868, 107, 106.905097, 11, []int8{-1}},
	{48, "Cd", "cadmium", 112.412, 114, 113.9033585, 2, []int8{-1}},
	{49, "In", "indium", 114.818, 115, 114.903878, 3, []int8{3}},
	{50, "Sn", "tin", 118.711, 120, 119.9021947, 4, []int8{2, 4}},
	{51, "Sb", "antimony", 121.76, 121, 120.9038157, 5, []int8{3, 5, 7}},
	{52, "Te", "tellurium", 127.6, 130, 129.9062244, 6, []int8{2, 4, 6}},
	{53, "I", "iodine", 126.904, 127, 126.904473, 7, []int8{1, 3, 5}},
	{54, "Xe", "xenon", 131.29, 132, 131.9041535, 8, []int8{0, 2, 4, 6}},
	{55, "Cs", "caesium", 132.905, 133, 132.9054519, 1, []int8{1}},
	{56, "Ba", "barium", 137.328, 138, 137.9052472, 2, []int8{2, -1}},
	{57, "La", "lanthanum", 138.906, 139, 138.9063533, 3, []int8{-1}},
	{58, "Ce", "cerium", 140.116, 140, 139.9054387, 4, []int8{-1}},
	{59, "Pr", "praseodymium", 140.908, 141, 140.9076528, 3, []int8{-1}},
	{60, "Nd", "neodymium", 144.24, 142, 141.9077233, 4, []int8{-1}},
	{61, "Pm", "promethium", 145.0, 145, 144.912749, 5, []int8{-1}},
	{62, "Sm", "samarium", 150.36, 152, 151.9197324, 6, []int8{-1}},
	{63, "Eu", "europium", 151.964, 153, 152.9212303, 7, []int8{-1}},
	{64, "Gd", "gadolinium", 157.25, 158, 157.9241039, 8, []int8{-1}},
	{65, "Tb", "terbium", 158.925, 159, 158.9253468, 9, []int8{-1}},
	{66, "Dy", "dysprosium", 162.5, 164, 163.9291748, 10, []int8{-1}},
	{67, "Ho", "holmium", 164.93, 165, 164.9303221, 11, []int8{-1}},
	{68, "Er", "erbium", 167.26, 166, 165.9302931, 12, []int8{-1}},
	{69, "Tm", "thulium", 168.934, 169, 168.9342133, 13, []int8{-1}},
	{70, "Yb", "ytterbium", 173.04, 174, 173.9388621, 14, []int8{-1}},
	{71, "Lu", "lutetium", 174.967, 175, 174.9407718, 15, []int8{-1}},
	{72, "Hf", "hafnium", 178.49, 180, 179.94655, 4, []int8{-1}},
	{73, "Ta", "tantalum", 180.948, 181, 180.9479958, 5, []int8{-1}},
	{74, "W", "tungsten", 183.84, 184, 183.9509312, 6, []int8{-1}},
	{75, "Re", "rhenium", 186.207, 187, 186.9557531, 7, []int8{-1}},
	{76, "Os", "osmium", 190.23, 192, 191.9614807, 8, []int8{-1}},
	{77, "Ir", "iridium", 192.217, 193, 192.9629264, 9, []int8{-1}},
	{78, "Pt", "platinum", 195.078, 195, 194.9647911, 10, []int8{-1}},
	{79, "Au", "gold", 196.967, 197, 196.9665687, 11, []int8{-1}},
	{80, "Hg", "mercury", 200.59, 202, 201.970643, 2, []int8{-1}},
	{81, "Tl", "thallium", 204.383, 205, 204.9744275, 3, []int8{3}},
	{82, "Pb", "lead", 207.2, 208, 207.9766521, 4, []int8{2, 4}},
	{83, "Bi", "bismuth", 208.98, 209, 208.9803987, 5, []int8{3, 5, 7}},
	{84, "Po", "polonium", 209.0, 209, 208.9824304, 6, []int8{2, 4, 6}},
	{85, "At", "astatine", 210.0, 210, 209.987148, 7, []int8{1, 3, 5}},
	{86, "Rn", "radon", 222.0, 211, 210.990601, 8, []int8{0}},
	{87, "Fr", "francium", 223.0, 223, 223.0197359, 1, []int8{1}},
	{88, "Ra", "radium", 226.0, 223, 223.0185022, 2, []int8{2, -1}},
	{89, "Ac", "actinium", 227.0, 227, 227.0277521, 3, []int8{-1}},
	{90, "Th", "thorium", 232.038, 232, 232.0380553, 4, []int8{-1}},
	{91, "Pa", "protactinium", 231.036, 231, 231.035884, 3, []int8{-1}},
	{92, "U", "uranium", 238.029, 238, 238.0507882, 4, []int8{-1}},
	{93, "Np", "neptunium", 237.0, 236, 236.04657, 5, []int8{-1}},
	{94, "Pu", "plutonium", 244.0, 238, 238.0495599, 6, []int8{-1}},
	{95, "Am", "americium", 243.0, 241, 241.0568291, 7, []int8{-1}},
	{96, "Cm", "curium", 247.0, 243, 243.0613891, 8, []int8{-1}},
	{97, "Bk", "berkelium", 247.0, 247, 247.070307, 9, []int8{-1}},
	{98, "Cf", "californium", 251.0, 249, 249.0748535, 10, []int8{-1}},
	{99, "Es", "einsteinium", 252.0, 252, 252.08298, 11, []int8{-1}},
	{100, "Fm", "fermium", 257.0, 257, 257.095105, 12, []int8{-1}},
	{101, "Md", "mendelevium", 258.0, 258, 258.098431, 13, []int8{-1}},
	{102, "No", "nobelium", 259.0, 259, 259.10103, 14, []int8{-1}},
	{103, "Lr", "lawrencium", 262.0, 262, 262.10963, 15, []int8{-1}},
	{104, "Rf", "rutherfordium", 267.0, 267, 267.12153, 2, []int8{-1}},
	{105, "Db", "dubnium", 268.0, 268, 268.12545, 2, []int8{-1}},
	{106, "Sg", "seaborgium", 269.0, 271, 271.13347, 2, []int8{-1}},
	{107, "Bh", "bohrium", 270.0, 270, 270.13362, 2, []int8{-1}},
	{108, "Hs", "hassium", 269.0, 269, 269.13406, 2, []int8{-1}},
	{109, "Mt", "meitnerium", 278.0, 278, 278.15481, 2, []int8{-1}},
	{110, "Ds", "darmstadtium", 281.0, 281, 281.16206, 2, []int8{-1}},
	{111, "Rg", "roentgenium", 281.0, 281, 281.16537, 2, []int8{-1}},
	{112, "Cn", "copernicium", 285.0, 285, 285.17411, 2, []int8{-1}},
	{113, "Nh", "nihonium", 284.0, 284, 284.17873, 2, []int8{-1}},
	{114, "Fl", "flerovium", 289.0, 289, 289.19042, 2, []int8{-1}},
	{115, "Mc", "moscovium", 288.0, 288, 288.19274, 2, []int8{-1}},
	{116, "Lv", "livermorium", 293.0, 293, 293.20449, 2, []int8{-1}},
	{117, "Ts", "tennessine", 292.0, 292, 292.20746, 2, []int8{-1}},
	{118, "Og", "oganesson", 294.0, 294, 294.21392, 2, []int8{-1}},
}

// MaxAtomicNumber is the largest atomic number the element table knows.
const MaxAtomicNumber = len(elements) - 1

// ElementSymbol returns the symbol of atomic number z ("C", "Cl", "*" for 0),
// or "" when z is out of range.
func ElementSymbol(z int) string {
	if z < 0 || z > MaxAtomicNumber {
		return ""
	}
	return elements[z].symbol
}

// ElementName returns the lowercase English name of atomic number z
// ("carbon"), or "" when z is out of range.
func ElementName(z int) string {
	if z < 0 || z > MaxAtomicNumber {
		return ""
	}
	return elements[z].name
}

// AtomicNumber returns the atomic number of an element symbol written with
// its usual capitalisation ("C", "Cl", "*" gives 0), and false when the
// symbol is unknown.
func AtomicNumber(symbol string) (int, bool) {
	z, ok := symbolIndex[symbol]
	return int(z), ok
}

var symbolIndex = func() map[string]uint8 {
	m := make(map[string]uint8, len(elements))
	for i := range elements {
		m[elements[i].symbol] = uint8(i)
	}
	return m
}()

// AverageMass returns RDKit's average atomic weight of element z (as used
// by Descriptors.MolWt: H 1.008, C 12.011, N 14.007, O 15.999), or 0 when
// z is out of range.
func AverageMass(z int) float64 {
	if z < 0 || z > MaxAtomicNumber {
		return 0
	}
	return elements[z].avgMass
}

// MonoisotopicMass returns the mass of the most abundant isotope of element
// z (as used by Descriptors.ExactMolWt for atoms without an isotope label),
// or 0 when z is out of range.
func MonoisotopicMass(z int) float64 {
	if z < 0 || z > MaxAtomicNumber {
		return 0
	}
	return elements[z].commonMass
}

// MostCommonIsotope returns the mass number of the most abundant isotope
// of element z, or 0 when z is out of range.
func MostCommonIsotope(z int) int {
	if z < 0 || z > MaxAtomicNumber {
		return 0
	}
	return int(elements[z].commonA)
}

// IsotopeMass returns the mass of isotope a of element z (for example
// IsotopeMass(6, 13) = 13.00335484) and true when the table knows it. The
// table holds the most abundant isotope of every element and the isotopes
// commonly written in SMILES (2H, 3H, 11C, 13C, 14C, 15N, 17O, 18O, 18F,
// 32P, 35S, 37Cl, 76Br, 81Br, 123I, 125I, 131I, medical radiometals...),
// with RDKit 2022.09.3's values. Other isotopes report false.
func IsotopeMass(z, a int) (float64, bool) {
	if z < 0 || z > MaxAtomicNumber {
		return 0, false
	}
	if a == int(elements[z].commonA) && z > 0 {
		return elements[z].commonMass, true
	}
	m, ok := isotopeMasses[isotopeKey{uint8(z), uint16(a)}]
	return m, ok
}

// DefaultValence returns the first allowed valence of element z as RDKit
// lists it (C 4, N 3, O 2, S 2, P 3, halogens 1, B 3), or -1 when the
// element has no default valence (transition metals, the wildcard) or z is
// out of range.
func DefaultValence(z int) int {
	if z < 0 || z > MaxAtomicNumber {
		return -1
	}
	return int(elements[z].valences[0])
}

// AllowedValences returns the valences RDKit allows for element z in
// increasing order (S: 2, 4, 6); a single -1 means any, a trailing -1 any
// higher one (Mg: 2, -1). The slice is shared: do not modify it.
func AllowedValences(z int) []int8 {
	if z < 0 || z > MaxAtomicNumber {
		return []int8{-1}
	}
	return elements[z].valences
}

// OuterElectrons returns the number of outer-shell (valence) electrons of
// element z as RDKit counts them, or 0 when z is out of range.
func OuterElectrons(z int) int {
	if z < 0 || z > MaxAtomicNumber {
		return 0
	}
	return int(elements[z].nOuter)
}

// maxValence is the largest allowed valence of z, or -1 for any.
func maxValence(z int) int {
	v := elements[z].valences
	return int(v[len(v)-1])
}

// isEarlyAtom reports whether z is left of carbon in its row (fewer than
// four outer electrons), where a positive charge removes a bonding
// electron pair instead of adding one (BH4-, [B-]).
func isEarlyAtom(z int) bool {
	return z > 1 && elements[z].nOuter < 4
}

type isotopeKey struct {
	z uint8
	a uint16
}

// isotopeMasses: isotope masses from RDKit 2022.09.3 (Debian python3-rdkit,
// PeriodicTable.GetMassForIsotope, BODR data), for isotopes other than the
// most abundant one of each element that SMILES commonly label.
var isotopeMasses = map[isotopeKey]float64{
	{1, 2}:    2.014101778, // H
	{1, 3}:    3.016049278, // H
	{5, 10}:   10.012937,   // B
	{6, 11}:   11.0114336,  // C
	{6, 13}:   13.00335484, // C
	{6, 14}:   14.00324199, // C
	{7, 13}:   13.00573861, // N
	{7, 15}:   15.0001089,  // N
	{8, 15}:   15.0030656,  // O
	{8, 17}:   16.9991317,  // O
	{8, 18}:   17.999161,   // O
	{9, 18}:   18.000938,   // F
	{15, 32}:  31.97390727, // P
	{15, 33}:  32.9717255,  // P
	{16, 33}:  32.97145876, // S
	{16, 34}:  33.9678669,  // S
	{16, 35}:  34.96903216, // S
	{16, 36}:  35.96708076, // S
	{17, 36}:  35.96830698, // Cl
	{17, 37}:  36.96590259, // Cl
	{34, 75}:  74.9225234,  // Se
	{35, 76}:  75.924541,   // Br
	{35, 77}:  76.921379,   // Br
	{35, 81}:  80.9162906,  // Br
	{35, 82}:  81.9168041,  // Br
	{53, 123}: 122.905589,  // I
	{53, 124}: 123.9062099, // I
	{53, 125}: 124.9046302, // I
	{53, 129}: 128.904988,  // I
	{53, 131}: 130.9061246, // I
	{26, 59}:  58.9348755,  // Fe
	{27, 57}:  56.9362914,  // Co
	{27, 58}:  57.9357528,  // Co
	{27, 60}:  59.9338171,  // Co
	{29, 64}:  63.9297642,  // Cu
	{31, 67}:  66.9282017,  // Ga
	{31, 68}:  67.9279801,  // Ga
	{43, 99}:  98.9062547,  // Tc
	{49, 111}: 110.905103,  // In
	{81, 201}: 200.970819,  // Tl
	{89, 225}: 225.02323,   // Ac
	{38, 89}:  88.9074507,  // Sr
	{39, 90}:  89.9071519,  // Y
	{11, 22}:  21.9944364,  // Na
	{11, 24}:  23.99096278, // Na
	{19, 40}:  39.96399848, // K
	{19, 42}:  41.96240281, // K
	{20, 45}:  44.9561866,  // Ca
	{20, 47}:  46.954546,   // Ca
	{24, 51}:  50.9447674,  // Cr
	{13, 26}:  25.98689169, // Al
	{12, 25}:  24.98583692, // Mg
	{12, 26}:  25.98259293, // Mg
	{14, 29}:  28.9764947,  // Si
	{14, 30}:  29.97377017, // Si
	{3, 6}:    6.015122795, // Li
	{2, 3}:    3.016029319, // He
	{4, 10}:   10.0135338,  // Be
}
