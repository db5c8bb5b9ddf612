#pragma once
// .NET Framework's legacy Array.Sort (ArraySortHelper<T>.DepthLimitedQuickSort), which
// ConvertFrom-CIPolicy uses to order file rules. It is unstable, and the order it leaves tied
// elements in is part of Microsoft's output: every index into the file rules depends on it, so a
// byte-identical compiler must reproduce the algorithm exactly, not merely sort.

#include <cstddef>
#include <span>
#include <utility>

namespace cipolicy::policy {

namespace legacy_sort_detail {

// `compare(a, b)` returns <0, 0 or >0 like IComparer<T>.Compare.
template <class T, class Compare>
class Sorter {
  public:
    Sorter(std::span<T> items, Compare& compare) : a_(items), cmp_(compare) {}

    void quick_sort(std::ptrdiff_t left, std::ptrdiff_t right, int depth_limit) {
        do {
            if (depth_limit == 0) {
                heap_sort(left, right);
                return;
            }
            std::ptrdiff_t i = left;
            std::ptrdiff_t j = right;
            // Median of three, which also moves the pivot's value into the middle slot.
            const std::ptrdiff_t middle = i + ((j - i) >> 1);
            swap_if_greater(i, middle);
            swap_if_greater(i, j);
            swap_if_greater(middle, j);
            // A copy: the partition below moves elements, including the one at `middle`.
            const T pivot = a_[middle];
            // Hoare partition. Elements equal to the pivot stop both scans and are swapped,
            // which is what reorders ties.
            do {
                while (cmp_(a_[i], pivot) < 0) ++i;
                while (cmp_(pivot, a_[j]) < 0) --j;
                if (i > j) break;
                if (i < j) std::swap(a_[i], a_[j]);
                ++i;
                --j;
            } while (i <= j);
            --depth_limit;
            // Recurse into the smaller side, loop on the larger.
            if (j - left <= right - i) {
                if (left < j) quick_sort(left, j, depth_limit);
                left = i;
            } else {
                if (i < right) quick_sort(i, right, depth_limit);
                right = j;
            }
        } while (left < right);
    }

  private:
    void swap_if_greater(std::ptrdiff_t x, std::ptrdiff_t y) {
        if (x != y && cmp_(a_[x], a_[y]) > 0) std::swap(a_[x], a_[y]);
    }

    // The fallback once the depth limit is reached: 1-based heap indices over [lo, hi].
    void down_heap(std::ptrdiff_t i, std::ptrdiff_t n, std::ptrdiff_t lo) {
        T d = a_[lo + i - 1];
        while (i <= n / 2) {
            std::ptrdiff_t child = 2 * i;
            if (child < n && cmp_(a_[lo + child - 1], a_[lo + child]) < 0) ++child;
            if (!(cmp_(d, a_[lo + child - 1]) < 0)) break;
            a_[lo + i - 1] = a_[lo + child - 1];
            i = child;
        }
        a_[lo + i - 1] = d;
    }

    void heap_sort(std::ptrdiff_t lo, std::ptrdiff_t hi) {
        const std::ptrdiff_t n = hi - lo + 1;
        for (std::ptrdiff_t i = n / 2; i >= 1; --i) down_heap(i, n, lo);
        for (std::ptrdiff_t i = n; i > 1; --i) {
            std::swap(a_[lo], a_[lo + i - 1]);
            down_heap(1, i - 1, lo);
        }
    }

    std::span<T> a_;
    Compare& cmp_;
};

}  // namespace legacy_sort_detail

inline constexpr int kLegacySortDepthLimit = 32;

template <class T, class Compare>
void legacy_quick_sort(std::span<T> items, Compare compare,
                       int depth_limit = kLegacySortDepthLimit) {
    if (items.size() < 2) return;
    legacy_sort_detail::Sorter<T, Compare> sorter(items, compare);
    sorter.quick_sort(0, static_cast<std::ptrdiff_t>(items.size()) - 1, depth_limit);
}

}  // namespace cipolicy::policy
