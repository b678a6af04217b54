package chem

import (
	"math"
	"testing"
)

// Reference values: RDKit 2022.09 periodic table (atomic_data.cpp).
func TestElementTable(t *testing.T) {
	tests := []struct {
		z           int
		sym         string
		avg, mono   float64
		dv          int
		maxV        int
		commonIsoA  int
		outerShells int
	}{
		{1, "H", 1.008, 1.007825032, 1, 1, 1, 1},
		{6, "C", 12.011, 12, 4, 4, 12, 4},
		{7, "N", 14.007, 14.003074, 3, 3, 14, 5},
		{8, "O", 15.999, 15.99491462, 2, 2, 16, 6},
		{15, "P", 30.974, 30.97376163, 3, 7, 31, 5},
		{16, "S", 32.067, 31.972071, 2, 6, 32, 6},
		{17, "Cl", 35.453, 34.96885268, 1, 1, 35, 7},
		{35, "Br", 79.904, 78.9183371, 1, 1, 79, 7},
		{53, "I", 126.904, 126.904473, 1, 5, 127, 7},
		{26, "Fe", 55.845, 55.9349375, -1, -1, 56, 8},
	}
	for _, tc := range tests {
		if got := ElementSymbol(tc.z); got != tc.sym {
			t.Errorf("ElementSymbol(%d) = %q, want %q", tc.z, got, tc.sym)
		}
		if z, ok := AtomicNumber(tc.sym); !ok || z != tc.z {
			t.Errorf("AtomicNumber(%q) = %d, %v", tc.sym, z, ok)
		}
		if got := AverageMass(tc.z); got != tc.avg {
			t.Errorf("AverageMass(%d) = %v, want %v", tc.z, got, tc.avg)
		}
		if got := MonoisotopicMass(tc.z); got != tc.mono {
			t.Errorf("MonoisotopicMass(%d) = %v, want %v", tc.z, got, tc.mono)
		}
		if got := DefaultValence(tc.z); got != tc.dv {
			t.Errorf("DefaultValence(%d) = %d, want %d", tc.z, got, tc.dv)
		}
		if got := maxValence(tc.z); got != tc.maxV {
			t.Errorf("maxValence(%d) = %d, want %d", tc.z, got, tc.maxV)
		}
		if got := MostCommonIsotope(tc.z); got != tc.commonIsoA {
			t.Errorf("MostCommonIsotope(%d) = %d, want %d", tc.z, got, tc.commonIsoA)
		}
		if got := OuterElectrons(tc.z); got != tc.outerShells {
			t.Errorf("OuterElectrons(%d) = %d, want %d", tc.z, got, tc.outerShells)
		}
	}
	for _, iso := range []struct {
		z, a int
		m    float64
	}{{1, 2, 2.014101778}, {6, 13, 13.00335484}, {17, 37, 36.96590259}, {6, 12, 12}} {
		m, ok := IsotopeMass(iso.z, iso.a)
		if !ok || math.Abs(m-iso.m) > 1e-12 {
			t.Errorf("IsotopeMass(%d, %d) = %v, %v; want %v", iso.z, iso.a, m, ok, iso.m)
		}
	}
	if _, ok := IsotopeMass(6, 99); ok {
		t.Error("IsotopeMass(6, 99) reported a mass")
	}
	if ElementSymbol(-1) != "" || ElementSymbol(119) != "" || AverageMass(200) != 0 {
		t.Error("out-of-range atomic numbers must give zero values")
	}
	if len(elements) != 119 {
		t.Fatalf("table has %d rows, want 119 (0..118)", len(elements))
	}
	for z := range elements {
		if int(elements[z].z) != z {
			t.Fatalf("row %d holds element %d", z, elements[z].z)
		}
	}
}
