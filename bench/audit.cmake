osh_add_bench(bench_audit ${CMAKE_CURRENT_LIST_DIR}/bench_audit.cpp ${CMAKE_CURRENT_LIST_DIR}/auditevents.h)

