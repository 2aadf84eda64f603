// The per-ISA kernel tables (see kernel_table.hpp): built once, at first use, for every path.
#include "kernel_table.hpp"

#include <type_traits>

#include "neighbors/scan.hpp"
#include "scratchlearn/cpu.hpp"

namespace scratchlearn::kernel_table {
namespace {

// The kNN scan still fills its own ScanKernels (neighbors/scan_*.cpp); its one kernel goes into the
// table here.
void register_knn(Table* t, void (*fill)(knn_scan::ScanKernels<float>*, knn_scan::ScanKernels<double>*)) {
    knn_scan::ScanKernels<float> f;
    knn_scan::ScanKernels<double> d;
    fill(&f, &d);
    t->f32.knn_below_rows = f.below_rows;
    t->f64.knn_below_rows = d.below_rows;
}

struct Tables {
    Table t[3];  // indexed by Isa
    Tables() {
        Table& g = t[static_cast<int>(Isa::Generic)];
        register_linalg_generic(&g);
        register_kmeans_generic(&g);
        register_knn(&g, knn_scan::generic_scan);
        register_svm_generic(&g);
        Table& a2 = t[static_cast<int>(Isa::Avx2)];
        a2 = g;
#ifdef SCRATCHLEARN_X86
        if (isa_supported(Isa::Avx2)) {
            register_linalg_avx2(&a2);
            register_kmeans_avx2(&a2);
            register_knn(&a2, knn_scan::avx2_scan);
            register_knn_leaf_avx2(&a2);
            register_svm_avx2(&a2);
            register_svm_decision_avx2(&a2);
            register_mlp_avx2(&a2);
            register_linear_model_avx2(&a2);
            register_preprocessing_avx2(&a2);
        }
#endif
        Table& a5 = t[static_cast<int>(Isa::Avx512)];
        a5 = a2;
#ifdef SCRATCHLEARN_X86
        if (isa_supported(Isa::Avx512)) {
            register_linalg_avx512(&a5);
            register_kmeans_avx512(&a5);
            register_svm_avx512(&a5);
            register_svm_decision_avx512(&a5);
            register_mlp_avx512(&a5);
            register_linear_model_avx512(&a5);
            register_preprocessing_avx512(&a5);
        }
#endif
    }
};

const Tables& tables() {
    static const Tables all;
    return all;
}

}  // namespace

const Table& table(Isa isa) { return tables().t[static_cast<int>(isa)]; }

template <class T>
const Kernels<T>& kernels(Isa isa) {
    if constexpr (std::is_same_v<T, float>)
        return table(isa).f32;
    else
        return table(isa).f64;
}

template <class T>
const Kernels<T>& kernels() {
    return kernels<T>(active_isa());
}

template const Kernels<float>& kernels<float>(Isa);
template const Kernels<double>& kernels<double>(Isa);
template const Kernels<float>& kernels<float>();
template const Kernels<double>& kernels<double>();

}  // namespace scratchlearn::kernel_table
