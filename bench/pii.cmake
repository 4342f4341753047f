osh_add_bench(bench_pii ${CMAKE_CURRENT_LIST_DIR}/bench_pii.cpp)
# Scores PiiDetector (and npm peers, bench/pii_vs_peers.sh) on a labelled corpus; a plain main(), not Google Benchmark.
osh_add_bench(bench_pii_corpus ${CMAKE_CURRENT_LIST_DIR}/bench_pii_corpus.cpp ${CMAKE_CURRENT_LIST_DIR}/piicorpus.cpp)
