# PII detector, validators and safety_score. Names all contain "pii" so
# `ctest -R pii` runs the lot. Private headers (pii/piivalidators.h ...) are
# reachable through osh_core's public include directory.
osh_add_test(NAME tst_piivalidators SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_piivalidators.cpp LIBS osh_core)
osh_add_test(NAME tst_piidetector SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_piidetector.cpp LIBS osh_core)
osh_add_test(NAME tst_piirobustness SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_piirobustness.cpp LIBS osh_core)
osh_add_test(NAME tst_piisafetyscorer SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_piisafetyscorer.cpp LIBS osh_core)
osh_add_test(NAME tst_piiwhy SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_piiwhy.cpp LIBS osh_core)
# The labelled corpus of bench/bench_pii_corpus: deterministic, labels inside their texts (the generator is compiled in).
osh_add_test(NAME tst_piicorpus SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_piicorpus.cpp ${PROJECT_SOURCE_DIR}/bench/piicorpus.cpp LIBS osh_core)
target_include_directories(tst_piicorpus PRIVATE ${PROJECT_SOURCE_DIR}/bench)
